#!/usr/bin/python3
"""Drives an interactive program on a pseudo-terminal, as a person at a keyboard would.

Usage: pty-drive.py TIMEOUT STEP... -- COMMAND...
A STEP is "expect:REGEX" (wait until the screen output so far matches) or "send:TEXT"
(TEXT takes Python escapes, e.g. \\t for Tab, \\x03 for Ctrl-C, \\r for Enter).
Prints everything the program wrote, with terminal escape sequences removed; exits 2 when an
expectation is not met within TIMEOUT seconds (each), 0 otherwise.
"""
import codecs, fcntl, os, pty, re, select, signal, struct, sys, termios, time

ESCAPES = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|[=>]|\][^\x07]*\x07)")


def main():
    timeout = float(sys.argv[1])
    split = sys.argv.index("--")
    steps, command = sys.argv[2:split], sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    seen = b""
    status = 0
    for step in steps:
        kind, _, arg = step.partition(":")
        if kind == "send":
            os.write(fd, codecs.decode(arg, "unicode_escape").encode())
            continue
        pattern, deadline, start = re.compile(arg), time.time() + timeout, len(seen)
        while not pattern.search(ESCAPES.sub(b"", seen[start:]).decode(errors="replace")):
            remaining = deadline - time.time()
            ready = select.select([fd], [], [], max(0, remaining))[0] if remaining > 0 else []
            chunk = read(fd) if ready else None
            if not chunk:
                sys.stderr.write("pty-drive: no match for %r\n" % arg)
                status = 2
                break
            seen += chunk
        if status:
            break
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    sys.stdout.write(ESCAPES.sub(b"", seen).decode(errors="replace"))
    sys.exit(status)


def read(fd):
    try:
        return os.read(fd, 65536)
    except OSError:
        return None


main()
