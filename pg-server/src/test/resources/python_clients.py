"""Python's PostgreSQL clients against pmsql serve --pg-port; prints what each read, as JSON.

Run with Debian's python3: psycopg2, psycopg (3), SQLAlchemy and pandas from Debian packages.
"""
import datetime
import json
import sys

import pandas
import psycopg
import psycopg2
import sqlalchemy

host, port = sys.argv[1], sys.argv[2]
dsn = f"host={host} port={port} dbname=pcp user=python"
since = datetime.datetime(2026, 11, 25, 2, 23, 50, tzinfo=datetime.timezone.utc)
query = ("SELECT ts, ts_ns, metric, val FROM vm.metrics WHERE metric = %s AND ts > %s"
         " ORDER BY ts_ns, inst")
out = {}


def rows(records):
    return [[r[0].astimezone(datetime.timezone.utc).isoformat(), r[1], r[2], r[3]]
            for r in records]


with psycopg2.connect(dsn) as c:
    with c.cursor() as cur:
        cur.execute(query, ("kernel.all.load", since))
        out["psycopg2"] = rows(cur.fetchall())
    with c.cursor(name="server_side") as cur:
        cur.itersize = 7
        cur.execute("SELECT ts_ns FROM vm.metrics ORDER BY ts_ns")
        out["psycopg2_named_cursor"] = sum(1 for _ in cur)

with psycopg.connect(dsn) as c:
    for _ in range(6):  # psycopg 3 prepares a query on the server from its fifth run
        records = c.execute(query, ("kernel.all.load", since)).fetchall()
    out["psycopg3"] = rows(records)
    out["psycopg3_binary"] = rows(
        c.cursor(binary=True).execute(query, ("kernel.all.load", since)).fetchall())

engine = sqlalchemy.create_engine(f"postgresql+psycopg2://python@{host}:{port}/pcp")
with engine.connect() as c:
    inspector = sqlalchemy.inspect(c)
    out["schemas"] = inspector.get_schema_names()
    out["tables"] = inspector.get_table_names(schema="vm")
    out["columns"] = [[col["name"], str(col["type"])]
                      for col in inspector.get_columns("metrics", schema="vm")]
    out["primary_key"] = inspector.get_pk_constraint("metrics", schema="vm")["constrained_columns"]
    frame = pandas.read_sql("SELECT metric, count(*) AS n, sum(val) AS total FROM vm.metrics"
                            " GROUP BY metric ORDER BY metric", c)
    out["pandas"] = [[m, int(n), None if pandas.isna(t) else float(t)]
                     for m, n, t in frame.itertuples(index=False)]
    out["pandas_dtypes"] = [str(t) for t in frame.dtypes]
    times = pandas.read_sql("SELECT ts, val FROM vm.\"kernel.all.load\" ORDER BY ts_ns, inst", c)
    out["pandas_ts_dtype"] = str(times["ts"].dtype)

print(json.dumps(out))
