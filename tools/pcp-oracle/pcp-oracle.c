/*
 * pcp-oracle -- libpcp-based reference for the pure-Java pmsql archive reader.
 *
 *   pcp-oracle dump  ARCHIVE           canonical text dump (test oracle)
 *   pcp-oracle bench ARCHIVE [REPEAT]  libpcp fetch-loop timing (benchmark anchor)
 *   pcp-oracle follow ARCHIVE SECONDS  libpcp tailing a growing archive (benchmark anchor)
 *
 * Build:  gcc -O2 -o pcp-oracle pcp-oracle.c -lpcp
 *
 * ARCHIVE is anything pmNewContext(PM_CONTEXT_ARCHIVE, ...) accepts: a base
 * name, a comma-separated list of archives, or a directory of archives.
 *
 * Dump format (one item per line, fields separated by single spaces):
 *
 *   L <hostname> <version>
 *   D <d.c.i> <type> <indom %08x> <sem> <units %08x> <name,name,...>
 *                                pmNameID's name first, then the others sorted
 *   H <d.c.i> <1|2> <escaped text>
 *   R <sec>.<nsec %09> <numpmid>
 *   S <d.c.i> <numval>
 *   V <inst> <instname|-|?> <value>
 *   E <sec>.<nsec %09>
 *   X <pmErrStr>                 fetch failed (not EOL); dump stops, exit 0
 *   O <pmErrStr>                 context could not be opened; exit 3
 *
 * Conventions beyond the brief, chosen so a Java decoder can reproduce them:
 *   - "escaped" means every byte < 0x21, >= 0x7f and '\' becomes \xNN
 *     (lowercase hex).  The hostname on the L line is escaped the same way,
 *     so the line always splits cleanly on spaces.
 *   - D/H lines leave out PMIDs 511.0.x: libpcp's anonymous event.flags and
 *     event.missed live in every context's PMNS but not in the archive.
 *     Site derived metrics are disabled (PCP_DERIVED_CONFIG="") for the
 *     same reason.
 *   - A D line for a PMID that has names but whose pmLookupDesc() fails is
 *     printed as "D <d.c.i> ? ? ? ? <names>".
 *   - Value descriptors are looked up (and cached) for every PMID seen in a
 *     result, not only those with names, since libpcp can resolve them.
 *   - <value> is "!" when the value cannot be decoded as its declared type
 *     (pmExtractValue / event unpack failure, pval missing for a by-reference
 *     type, or a type code outside the known set).
 *   - STRING values are C strings: the payload bytes (vlen - 4 of them) up
 *     to the first NUL, or all of them if there is none.  Some old archives
 *     (mirage-*, proc, rewrite, sample_expr) pad strings with extra NULs.
 */

#define _GNU_SOURCE	/* fwrite_unlocked() */
#include <pcp/pmapi.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/time.h>

/*
 * PMID / pmUnits layout, written out by hand rather than via pmIDStr()
 * and the pmUnits bitfields: the Java side sees the raw big-endian words
 * from disk, so the oracle must print in terms of those words, independent
 * of this host's bitfield ordering.
 */
#define PMID_DOMAIN(p)	(((p) >> 22) & 0x1ff)
#define PMID_CLUSTER(p)	(((p) >> 10) & 0xfff)
#define PMID_ITEM(p)	((p) & 0x3ff)

static void
die(const char *what, int sts)
{
    fprintf(stderr, "pcp-oracle: %s: %s\n", what, pmErrStr(sts));
    exit(2);
}

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
	perror("pcp-oracle: malloc");
	exit(2);
    }
    return p;
}

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
	perror("pcp-oracle: realloc");
	exit(2);
    }
    return p;
}

/*
 * Descriptor cache keyed by PMID.  pmLookupDesc() goes through the context
 * lock and a hash lookup per call; doing that per value would make the
 * libpcp benchmark anchor look slower than libpcp really is for a client
 * that (like the Java reader) resolves descriptors once per metric.
 * Open addressing with linear probing; failures are cached too (sts < 0).
 */
typedef struct {
    pmID	pmid;		/* PM_ID_NULL marks an empty slot */
    int		sts;		/* pmLookupDesc() result */
    pmDesc	desc;
} desc_entry;

typedef struct {
    desc_entry	*slot;
    size_t	size;		/* always a power of two */
    size_t	used;
} desc_cache;

static void
cache_init(desc_cache *c)
{
    size_t i;

    c->size = 1024;
    c->used = 0;
    c->slot = xmalloc(c->size * sizeof(desc_entry));
    for (i = 0; i < c->size; i++)
	c->slot[i].pmid = PM_ID_NULL;
}

static void
cache_free(desc_cache *c)
{
    free(c->slot);
    c->slot = NULL;
    c->size = c->used = 0;
}

static size_t
cache_hash(pmID pmid, size_t size)
{
    /* Fibonacci hashing: PMIDs of one PMDA differ mostly in low bits */
    return ((uint32_t)pmid * 2654435769u) & (size - 1);
}

static void
cache_grow(desc_cache *c)
{
    desc_entry	*old = c->slot;
    size_t	oldsize = c->size;
    size_t	i, h;

    c->size *= 2;
    c->slot = xmalloc(c->size * sizeof(desc_entry));
    for (i = 0; i < c->size; i++)
	c->slot[i].pmid = PM_ID_NULL;
    for (i = 0; i < oldsize; i++) {
	if (old[i].pmid == PM_ID_NULL)
	    continue;
	for (h = cache_hash(old[i].pmid, c->size);
	     c->slot[h].pmid != PM_ID_NULL; h = (h + 1) & (c->size - 1))
	    ;
	c->slot[h] = old[i];
    }
    free(old);
}

/* Returns the cached entry, calling pmLookupDesc() on first sight. */
static const desc_entry *
cache_get(desc_cache *c, pmID pmid)
{
    size_t h;

    for (h = cache_hash(pmid, c->size); c->slot[h].pmid != PM_ID_NULL;
	 h = (h + 1) & (c->size - 1)) {
	if (c->slot[h].pmid == pmid)
	    return &c->slot[h];
    }
    if (2 * (c->used + 1) > c->size) {
	cache_grow(c);
	for (h = cache_hash(pmid, c->size); c->slot[h].pmid != PM_ID_NULL;
	     h = (h + 1) & (c->size - 1))
	    ;
    }
    c->slot[h].pmid = pmid;
    c->slot[h].sts = pmLookupDesc(pmid, &c->slot[h].desc);
    c->used++;
    return &c->slot[h];
}

/* ------------------------------------------------------------------ dump */

/*
 * Single-threaded, so skip stdio's per-call locking: with tens of millions
 * of small writes the lock/unlock pairs are a large part of dump time.
 */
#define put_c(c)	putchar_unlocked(c)
#define put_s(p, n)	fwrite_unlocked((p), 1, (n), stdout)

static const char hexdigit[] = "0123456789abcdef";

/* Escaping keeps every line space-separated and 7-bit clean (see header). */
static void
put_escaped(const unsigned char *p, size_t len)
{
    size_t i, run = 0;	/* p[run..i) is a pending stretch of plain bytes */

    for (i = 0; i < len; i++) {
	unsigned char b = p[i];
	if (b < 0x21 || b >= 0x7f || b == '\\') {
	    if (i > run)
		put_s(p + run, i - run);
	    run = i + 1;
	    put_c('\\');
	    put_c('x');
	    put_c(hexdigit[b >> 4]);
	    put_c(hexdigit[b & 0xf]);
	}
    }
    if (len > run)
	put_s(p + run, len - run);
}

static void
put_hex(const unsigned char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
	put_c(hexdigit[p[i] >> 4]);
	put_c(hexdigit[p[i] & 0xf]);
    }
}

/*
 * Decimal output without printf: the V lines are the bulk of a dump and
 * format parsing was the largest remaining cost after the stdio locking.
 */
static void
put_u64(unsigned long long v)
{
    char	buf[24];
    char	*p = buf + sizeof(buf);

    do {
	*--p = '0' + (char)(v % 10);
	v /= 10;
    } while (v != 0);
    put_s(p, buf + sizeof(buf) - p);
}

static void
put_i64(long long v)
{
    if (v < 0) {
	put_c('-');
	/* negate in unsigned arithmetic so LLONG_MIN is safe */
	put_u64(0ULL - (unsigned long long)v);
    } else
	put_u64((unsigned long long)v);
}

static void
put_pmid(pmID pmid)
{
    put_u64(PMID_DOMAIN(pmid));
    put_c('.');
    put_u64(PMID_CLUSTER(pmid));
    put_c('.');
    put_u64(PMID_ITEM(pmid));
}

/*
 * Rebuild the 32-bit pmUnits word as it appears (big-endian) on disk:
 * dimSpace 31-28, dimTime 27-24, dimCount 23-20, scaleSpace 19-16,
 * scaleTime 15-12, scaleCount 11-8, pad 7-0.  Signed nibbles are masked
 * so negative dimensions come out as their 4-bit two's complement.
 */
static uint32_t
units_word(const pmUnits *u)
{
    return ((uint32_t)(u->dimSpace & 0xf) << 28) |
	   ((uint32_t)(u->dimTime & 0xf) << 24) |
	   ((uint32_t)(u->dimCount & 0xf) << 20) |
	   ((uint32_t)(u->scaleSpace & 0xf) << 16) |
	   ((uint32_t)(u->scaleTime & 0xf) << 12) |
	   ((uint32_t)(u->scaleCount & 0xf) << 8) |
	   ((uint32_t)(u->pad & 0xff));
}

/* One (name, pmid) pair from the PMNS walk. */
typedef struct {
    char	*name;
    pmID	pmid;
} name_entry;

typedef struct {
    char	**names;
    size_t	n, cap;
} name_list;

static void
collect_name(const char *name, void *arg)
{
    name_list *nl = arg;

    if (nl->n == nl->cap) {
	nl->cap = nl->cap ? 2 * nl->cap : 256;
	nl->names = xrealloc(nl->names, nl->cap * sizeof(char *));
    }
    nl->names[nl->n++] = strdup(name);
    if (nl->names[nl->n - 1] == NULL) {
	perror("pcp-oracle: strdup");
	exit(2);
    }
}

static int
cmp_name_entry(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;

    if (x->pmid != y->pmid)
	return x->pmid < y->pmid ? -1 : 1;
    /* strcmp compares as unsigned char: this is the byte-wise order */
    return strcmp(x->name, y->name);
}

static void
dump_text(pmID pmid, int level)
{
    char *buf;

    if (pmLookupText(pmid, level, &buf) < 0)
	return;
    put_c('H');
    put_c(' ');
    put_pmid(pmid);
    printf(" %d ", level);
    put_escaped((const unsigned char *)buf, strlen(buf));
    put_c('\n');
    free(buf);
}

/*
 * D (and H) lines for every PMID reachable from the archive's PMNS.
 * Names are gathered first and resolved in one pmLookupName() call because
 * the PMNS traversal callback must not re-enter the PMNS API.
 */
static void
dump_descs(desc_cache *cache)
{
    name_list	nl = { NULL, 0, 0 };
    name_entry	*ent;
    pmID	*pmids;
    size_t	i, j;
    int		sts;

    sts = pmTraversePMNS_r("", collect_name, &nl);
    if (sts < 0 || nl.n == 0) {
	/* an archive with an empty PMNS simply has no D lines */
	free(nl.names);
	return;
    }

    pmids = xmalloc(nl.n * sizeof(pmID));
    sts = pmLookupName((int)nl.n, (const char **)nl.names, pmids);
    if (sts < 0 && nl.n == 1)
	pmids[0] = PM_ID_NULL;
    /* with n > 1, unresolved names come back as PM_ID_NULL individually */

    ent = xmalloc(nl.n * sizeof(name_entry));
    for (i = j = 0; i < nl.n; i++) {
	/*
	 * libpcp adds its own event.flags and event.missed (511.0.x) to every
	 * PMNS; they are not in the archive.  Logged derived metrics use domain
	 * 511 too, but always with the 2048 cluster bit set, so they stay.
	 */
	if (pmids[i] == PM_ID_NULL ||
	    (pmID_domain(pmids[i]) == 511 && pmID_cluster(pmids[i]) == 0)) {
	    free(nl.names[i]);
	    continue;
	}
	ent[j].name = nl.names[i];
	ent[j].pmid = pmids[i];
	j++;
    }
    qsort(ent, j, sizeof(name_entry), cmp_name_entry);

    for (i = 0; i < j; ) {
	pmID			pmid = ent[i].pmid;
	const desc_entry	*d = cache_get(cache, pmid);
	size_t			k;

	put_c('D');
	put_c(' ');
	put_pmid(pmid);
	if (d->sts < 0)
	    printf(" ? ? ? ? ");
	else
	    printf(" %d %08x %d %08x ", d->desc.type, (unsigned)d->desc.indom,
		   d->desc.sem, units_word(&d->desc.units));
	{
	    /* pmNameID's name (the one PCP tools report) first, then the others */
	    char	*reported = NULL;
	    int		first = 1;

	    if (pmNameID(pmid, &reported) >= 0) {
		fputs(reported, stdout);
		first = 0;
	    }
	    for (k = i; k < j && ent[k].pmid == pmid; k++) {
		if (reported != NULL && strcmp(ent[k].name, reported) == 0)
		    continue;
		if (!first)
		    put_c(',');
		fputs(ent[k].name, stdout);
		first = 0;
	    }
	    free(reported);
	}
	put_c('\n');
	dump_text(pmid, PM_TEXT_ONELINE);
	dump_text(pmid, PM_TEXT_HELP);
	for (; i < k; i++)
	    free(ent[i].name);
    }

    free(ent);
    free(pmids);
    free(nl.names);
}

/* True if the value is carried by reference, as every non-insitu type must be. */
static int
has_pval(int valfmt, const pmValue *pv)
{
    return valfmt != PM_VAL_INSITU && pv->value.pval != NULL &&
	   pv->value.pval->vlen >= PM_VAL_HDR_SIZE;
}

static void
dump_events(pmValueSet *vs, int j, int type)
{
    int n, r;

    if (type == PM_TYPE_EVENT) {
	pmResult **res;

	if ((n = pmUnpackEventRecords(vs, j, &res)) < 0) {
	    printf("!\n");
	    return;
	}
	printf("e%d\n", n);
	for (r = 0; r < n; r++)
	    printf("E %lld.%09ld\n", (long long)res[r]->timestamp.tv_sec,
		   (long)res[r]->timestamp.tv_usec * 1000L);
	if (n > 0)
	    pmFreeEventResult(res);
    } else {
	pmHighResResult **res;

	if ((n = pmUnpackHighResEventRecords(vs, j, &res)) < 0) {
	    printf("!\n");
	    return;
	}
	printf("e%d\n", n);
	for (r = 0; r < n; r++)
	    printf("E %lld.%09ld\n", (long long)res[r]->timestamp.tv_sec,
		   (long)res[r]->timestamp.tv_nsec);
	if (n > 0)
	    pmFreeHighResEventResult(res);
    }
}

/* Print the <value> field (and its newline, plus any E lines). */
static void
dump_value(pmValueSet *vs, int j, const desc_entry *d)
{
    const pmValue	*pv = &vs->vlist[j];
    pmAtomValue		av;
    int			type;

    if (d->sts < 0) {
	printf("?\n");
	return;
    }
    type = d->desc.type;

    switch (type) {
    case PM_TYPE_32:
	if (pmExtractValue(vs->valfmt, pv, type, &av, type) < 0)
	    break;
	put_i64(av.l);
	put_c('\n');
	return;
    case PM_TYPE_U32:
	if (pmExtractValue(vs->valfmt, pv, type, &av, type) < 0)
	    break;
	put_u64(av.ul);
	put_c('\n');
	return;
    case PM_TYPE_64:
	if (pmExtractValue(vs->valfmt, pv, type, &av, type) < 0)
	    break;
	put_i64(av.ll);
	put_c('\n');
	return;
    case PM_TYPE_U64:
	if (pmExtractValue(vs->valfmt, pv, type, &av, type) < 0)
	    break;
	put_u64(av.ull);
	put_c('\n');
	return;
    case PM_TYPE_FLOAT: {
	uint32_t bits;
	if (pmExtractValue(vs->valfmt, pv, type, &av, type) < 0)
	    break;
	/* the bit pattern, not a decimal rendering, so NaNs and -0 compare exactly */
	memcpy(&bits, &av.f, sizeof(bits));
	printf("f%08x\n", bits);
	return;
    }
    case PM_TYPE_DOUBLE: {
	uint64_t bits;
	if (pmExtractValue(vs->valfmt, pv, type, &av, type) < 0)
	    break;
	memcpy(&bits, &av.d, sizeof(bits));
	printf("d%016llx\n", (unsigned long long)bits);
	return;
    }
    case PM_TYPE_STRING: {
	size_t len;
	if (!has_pval(vs->valfmt, pv))
	    break;
	/* a PCP string is a C string: old writers padded the block with NULs */
	len = strnlen(pv->value.pval->vbuf, pv->value.pval->vlen - PM_VAL_HDR_SIZE);
	put_c('s');
	put_escaped((const unsigned char *)pv->value.pval->vbuf, len);
	put_c('\n');
	return;
    }
    case PM_TYPE_AGGREGATE:
    case PM_TYPE_AGGREGATE_STATIC:
	if (!has_pval(vs->valfmt, pv))
	    break;
	put_c('a');
	put_hex((const unsigned char *)pv->value.pval->vbuf,
		pv->value.pval->vlen - PM_VAL_HDR_SIZE);
	put_c('\n');
	return;
    case PM_TYPE_EVENT:
    case PM_TYPE_HIGHRES_EVENT:
	if (!has_pval(vs->valfmt, pv))
	    break;
	dump_events(vs, j, type);
	return;
    default:
	break;
    }
    printf("!\n");
}

/*
 * Instance names for the current record.
 *
 * pmNameInDom() in archive mode answers for the context's current time,
 * which pmFetchHighResArchive() has just moved to this result's timestamp,
 * so it yields the name in force when the value was logged.  But each call
 * re-walks that indom's whole history (__pmLogSearchInDom) and then scans
 * the instance list linearly: on archives whose indoms change every sample
 * (pidstat, per-process metrics) that made dumps ~20x slower.  pmGetInDom()
 * at the same current time resolves the very same indom record, so one
 * call per (record, indom) plus a hash gives identical answers; duplicates
 * keep the first occurrence, as pmNameInDom's scan would.  Set
 * PCP_ORACLE_NAMEINDOM=1 to use per-value pmNameInDom() instead, which is
 * how this equivalence was checked over the corpus.
 */
typedef struct {
    pmInDom	indom;
    int		sts;		/* pmGetInDom() result: count, or error */
    int		*inst;
    char	**name;
    int		*slot;		/* hash of inst -> index into inst/name, -1 empty */
    size_t	size;		/* power of two >= 2 * count */
} indom_snap;

typedef struct {
    indom_snap	*snap;
    size_t	n, cap;
} indom_cache;

static int use_nameindom;	/* PCP_ORACLE_NAMEINDOM set */

static size_t
inst_hash(int inst, size_t size)
{
    return ((uint32_t)inst * 2654435769u) & (size - 1);
}

/* Drop all snapshots: they are only valid at one archive position. */
static void
indom_cache_reset(indom_cache *ic)
{
    size_t i;

    for (i = 0; i < ic->n; i++) {
	free(ic->snap[i].inst);
	free(ic->snap[i].name);
	free(ic->snap[i].slot);
    }
    ic->n = 0;
}

static const indom_snap *
indom_cache_get(indom_cache *ic, pmInDom indom)
{
    indom_snap	*sp;
    size_t	i, h;
    int		k;

    /* a record touches only a handful of indoms: linear search is fine */
    for (i = 0; i < ic->n; i++) {
	if (ic->snap[i].indom == indom)
	    return &ic->snap[i];
    }
    if (ic->n == ic->cap) {
	ic->cap = ic->cap ? 2 * ic->cap : 8;
	ic->snap = xrealloc(ic->snap, ic->cap * sizeof(indom_snap));
    }
    sp = &ic->snap[ic->n++];
    sp->indom = indom;
    sp->inst = NULL;
    sp->name = NULL;
    sp->slot = NULL;
    sp->size = 0;
    sp->sts = pmGetInDom(indom, &sp->inst, &sp->name);
    if (sp->sts <= 0)
	return sp;

    for (sp->size = 16; sp->size < 2 * (size_t)sp->sts; sp->size *= 2)
	;
    sp->slot = xmalloc(sp->size * sizeof(int));
    for (h = 0; h < sp->size; h++)
	sp->slot[h] = -1;
    for (k = 0; k < sp->sts; k++) {
	for (h = inst_hash(sp->inst[k], sp->size); sp->slot[h] >= 0;
	     h = (h + 1) & (sp->size - 1)) {
	    if (sp->inst[sp->slot[h]] == sp->inst[k])
		break;		/* duplicate: first one wins */
	}
	if (sp->slot[h] < 0)
	    sp->slot[h] = k;
    }
    return sp;
}

static const char *
indom_snap_name(const indom_snap *sp, int inst)
{
    size_t h;

    if (sp->sts <= 0)
	return NULL;
    for (h = inst_hash(inst, sp->size); sp->slot[h] >= 0;
	 h = (h + 1) & (sp->size - 1)) {
	if (sp->inst[sp->slot[h]] == inst)
	    return sp->name[sp->slot[h]];
    }
    return NULL;
}

static void
dump_instname(indom_cache *ic, const desc_entry *d, int inst)
{
    const char	*name;
    char	*owned;

    if ((unsigned int)inst == PM_IN_NULL) {
	put_c('-');
	return;
    }
    if (d->sts < 0 || d->desc.indom == PM_INDOM_NULL) {
	/* pmNameInDom() rejects PM_INDOM_NULL with PM_ERR_INDOM */
	put_c('?');
	return;
    }
    if (use_nameindom) {
	if (pmNameInDom(d->desc.indom, inst, &owned) < 0) {
	    put_c('?');
	    return;
	}
	put_escaped((const unsigned char *)owned, strlen(owned));
	free(owned);
	return;
    }
    if ((name = indom_snap_name(indom_cache_get(ic, d->desc.indom), inst)) == NULL) {
	put_c('?');
	return;
    }
    put_escaped((const unsigned char *)name, strlen(name));
}

static int
do_dump(const char *archive)
{
    pmHighResLogLabel	label;
    pmHighResResult	*rp;
    desc_cache		cache;
    indom_cache		icache = { NULL, 0, 0 };
    const char		*env;
    int			ctx, sts, i, j;

    env = getenv("PCP_ORACLE_NAMEINDOM");
    use_nameindom = env != NULL && *env != '\0' && strcmp(env, "0") != 0;

    if ((ctx = pmNewContext(PM_CONTEXT_ARCHIVE, archive)) < 0) {
	printf("O %s\n", pmErrStr(ctx));
	return 3;
    }
    if ((sts = pmGetHighResArchiveLabel(&label)) < 0) {
	printf("O %s\n", pmErrStr(sts));
	return 3;
    }
    put_c('L');
    put_c(' ');
    put_escaped((const unsigned char *)label.hostname, strlen(label.hostname));
    printf(" %d\n", label.magic & 0xff);

    cache_init(&cache);
    dump_descs(&cache);

    for (;;) {
	if ((sts = pmFetchHighResArchive(&rp)) < 0) {
	    if (sts != PM_ERR_EOL)
		printf("X %s\n", pmErrStr(sts));
	    break;
	}
	printf("R %lld.%09ld %d\n", (long long)rp->timestamp.tv_sec,
	       (long)rp->timestamp.tv_nsec, rp->numpmid);
	for (i = 0; i < rp->numpmid; i++) {
	    pmValueSet		*vs = rp->vset[i];
	    const desc_entry	*d = cache_get(&cache, vs->pmid);

	    put_c('S');
	    put_c(' ');
	    put_pmid(vs->pmid);
	    put_c(' ');
	    put_i64(vs->numval);
	    put_c('\n');
	    for (j = 0; j < vs->numval; j++) {
		put_c('V');
		put_c(' ');
		put_i64(vs->vlist[j].inst);
		put_c(' ');
		dump_instname(&icache, d, vs->vlist[j].inst);
		put_c(' ');
		dump_value(vs, j, d);
	    }
	}
	pmFreeHighResResult(rp);
	indom_cache_reset(&icache);
    }

    free(icache.snap);
    cache_free(&cache);
    pmDestroyContext(ctx);
    return 0;
}

/* ----------------------------------------------------------------- bench */

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * One full pass, timed from context open to destroy so that it covers the
 * same work (metadata load + every data record) as a Java pass over a
 * freshly opened archive.
 */
static void
bench_pass(const char *archive)
{
    desc_cache	cache;
    pmResult	*rp;
    long long	nvalues = 0;
    double	sum = 0.0, t0, dt;
    int		ctx, sts, i, j;

    t0 = now();
    if ((ctx = pmNewContext(PM_CONTEXT_ARCHIVE, archive)) < 0)
	die(archive, ctx);
    cache_init(&cache);

    while ((sts = pmFetchArchive(&rp)) >= 0) {
	for (i = 0; i < rp->numpmid; i++) {
	    pmValueSet		*vs = rp->vset[i];
	    const desc_entry	*d;
	    int			type;

	    if (vs->numval <= 0)
		continue;
	    nvalues += vs->numval;
	    d = cache_get(&cache, vs->pmid);
	    if (d->sts < 0)
		continue;
	    type = d->desc.type;
	    if (type != PM_TYPE_32 && type != PM_TYPE_U32 &&
		type != PM_TYPE_64 && type != PM_TYPE_U64 &&
		type != PM_TYPE_FLOAT && type != PM_TYPE_DOUBLE)
		continue;
	    for (j = 0; j < vs->numval; j++) {
		pmAtomValue av;
		if (pmExtractValue(vs->valfmt, &vs->vlist[j], type,
				   &av, PM_TYPE_DOUBLE) >= 0)
		    sum += av.d;
	    }
	}
	pmFreeResult(rp);
    }
    if (sts != PM_ERR_EOL)
	fprintf(stderr, "pcp-oracle: fetch stopped early: %s\n", pmErrStr(sts));

    cache_free(&cache);
    pmDestroyContext(ctx);
    dt = now() - t0;

    printf("libpcp values=%lld sum=%.17g seconds=%.6f values_per_sec=%.0f\n",
	   nvalues, sum, dt, dt > 0 ? (double)nvalues / dt : 0.0);
    fflush(stdout);	/* show each pass as it completes despite full buffering */
}

static int
do_bench(const char *archive, int repeat)
{
    int r;

    for (r = 0; r < repeat; r++)
	bench_pass(archive);
    return 0;
}

/* ---------------------------------------------------------------- follow */

/*
 * libpcp's only way to tail an archive: from its end, poll pmFetchArchive
 * (which rewinds on EOF or a short record) every POLL_MS.  Prints each new
 * record's delay after its timestamp, then the CPU this process used.
 */
#define POLL_MS 10

static int
do_follow(const char *archive, double seconds)
{
    int		ctx, sts;
    pmResult	*rp;
    struct timeval end;
    struct timespec pause = { 0, POLL_MS * 1000000L };
    double	t0 = now();
    struct rusage ru;

    if ((ctx = pmNewContext(PM_CONTEXT_ARCHIVE, archive)) < 0)
	die("pmNewContext", ctx);
    if ((sts = pmGetArchiveEnd(&end)) < 0)
	die("pmGetArchiveEnd", sts);
    end.tv_usec += 1;
    if ((sts = pmSetMode(PM_MODE_FORW, &end, 0)) < 0)
	die("pmSetMode", sts);
    while (now() - t0 < seconds) {
	while ((sts = pmFetchArchive(&rp)) >= 0) {
	    struct timespec wall;
	    clock_gettime(CLOCK_REALTIME, &wall);
	    printf("lag_ms %.3f\n", (wall.tv_sec - rp->timestamp.tv_sec) * 1e3
		   + (wall.tv_nsec / 1e6 - rp->timestamp.tv_usec / 1e3));
	    pmFreeResult(rp);
	}
	fflush(stdout);
	nanosleep(&pause, NULL);
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("cpu_seconds %.3f wall_seconds %.3f\n",
	   ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
	   + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6, now() - t0);
    fflush(stdout);
    pmDestroyContext(ctx);
    return 0;
}

/* ------------------------------------------------------------------ main */

static void
usage(void)
{
    fprintf(stderr,
	    "Usage: pcp-oracle dump ARCHIVE\n"
	    "       pcp-oracle bench ARCHIVE [REPEAT]\n"
	    "       pcp-oracle follow ARCHIVE SECONDS\n");
    exit(1);
}

int
main(int argc, char **argv)
{
    /* dumps can be hundreds of MB; line buffering would dominate run time */
    static char obuf[1 << 20];

    setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

    /*
     * PCP loads site derived-metric definitions into every new context by
     * default; they would show up in the PMNS walk as metrics that are not
     * in the archive.  An empty setting disables that, and must be in place
     * before the first pmNewContext().
     */
    setenv("PCP_DERIVED_CONFIG", "", 1);

    if (argc < 3)
	usage();
    if (strcmp(argv[1], "dump") == 0 && argc == 3)
	return do_dump(argv[2]);
    if (strcmp(argv[1], "follow") == 0 && argc == 4)
	return do_follow(argv[2], atof(argv[3]));
    if (strcmp(argv[1], "bench") == 0 && (argc == 3 || argc == 4)) {
	int	repeat = 3;
	char	*end;

	if (argc == 4) {
	    errno = 0;
	    repeat = (int)strtol(argv[3], &end, 10);
	    if (errno || *end != '\0' || repeat < 1)
		usage();
	}
	return do_bench(argv[2], repeat);
    }
    usage();
    return 1;
}
