"""The example pipeline in pandas, the baseline `npm run bench` compares Strata with.

    /usr/bin/python3 bench/pandas_pipeline.py <snapshot folder> <output folder>

Reads `users.json` and `posts.json` from the snapshot folder and writes the six
tables of DESIGN.md "The example pipeline" as CSV into the output folder:
users, posts, posts_enriched, user_stats, top_authors, summary. The semantics
are Strata's, rule for rule, so the bench can check that both produce the same
tables:

- text is cleaned like JavaScript's `text.replace(/\\s+/g, ' ').trim()`: every
  run of whitespace (JavaScript's set, newlines included) becomes one space;
- lengths count code points (Python's `len`), words are the space-separated
  tokens of the cleaned body;
- averages are rounded to 2 decimals like `Number(x.toFixed(2))`: half up on
  the exact binary value (Python's `round` rounds half to even, which differs
  at exact ties such as 9 / 8 = 1.125);
- duplicate ids keep the first row; every table is sorted by its first column.

It is written the way a competent pandas user would write it: vectorised
string methods, `map` for the lookups, `groupby` for the aggregates. Run it
with Debian's `python3-pandas` (`apt-get update && apt-get install -y
python3-pandas`).

Prints one JSON document on stdout: the seconds each step took and the row
count of each table. When STRATA_BENCH_RSS_FILE is set (the bench does it when
/usr/bin/time is missing), writes its own peak RSS in kilobytes there at exit.
"""

import atexit
import decimal
import json
import os
import re
import resource
import sys
import time

import numpy as np
import pandas as pd

# JavaScript's \s: ASCII whitespace, NBSP, the Unicode space separators, the
# line/paragraph separators and the BOM. Python's own \s differs (it includes
# \x1c-\x1f and excludes \ufeff), so the class is spelled out.
JS_WHITESPACE_RUN = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")

TWO_PLACES = decimal.Decimal("0.01")


def report_rss_at_exit():
    target = os.environ.get("STRATA_BENCH_RSS_FILE")
    if target:
        # ru_maxrss is in kilobytes on Linux.
        atexit.register(lambda: open(target, "w").write(f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\n"))


def clean(series):
    """Trim and collapse every whitespace run to one space."""
    return series.str.replace(JS_WHITESPACE_RUN, " ", regex=True).str.strip(" ")


def round2(values):
    """Number(x.toFixed(2)) for each value: half up on the exact binary value, as a float again."""
    # Decimal(float) is exact, so quantize sees the same digits toFixed does.
    return [float(decimal.Decimal(value).quantize(TWO_PLACES, rounding=decimal.ROUND_HALF_UP)) for value in values]


def first_by_id(frame):
    return frame.drop_duplicates("id", keep="first").sort_values("id", kind="stable").reset_index(drop=True)


def read_users(path):
    with open(path, encoding="utf-8") as file:
        payload = json.load(file)
    # The users are few (100k at most): flattening the nested objects row by
    # row is clearer than json_normalize and not measurably slower.
    frame = pd.DataFrame(
        {
            "id": [user["id"] for user in payload],
            "name": [user["name"] for user in payload],
            "username": [user["username"] for user in payload],
            "email": [user["email"] for user in payload],
            "phone": [user["phone"] for user in payload],
            "website": [user["website"] for user in payload],
            "city": [user["address"]["city"] for user in payload],
            "zipcode": [user["address"]["zipcode"] for user in payload],
            "lat": [float(str(user["address"]["geo"]["lat"]).strip()) for user in payload],
            "lng": [float(str(user["address"]["geo"]["lng"]).strip()) for user in payload],
            "company_name": [user["company"]["name"] for user in payload],
        }
    )
    frame = first_by_id(frame)
    for column in ["name", "username", "email", "phone", "website", "city", "zipcode", "company_name"]:
        frame[column] = clean(frame[column])
    frame["email"] = frame["email"].str.lower()
    return frame


def read_posts(path):
    # dtype=False keeps the values as parsed (text stays text); no date guessing.
    frame = pd.read_json(path, orient="records", dtype=False, convert_dates=False, keep_default_dates=False)
    frame = frame[["id", "userId", "title", "body"]].rename(columns={"userId": "user_id"})
    frame = first_by_id(frame)
    frame["title"] = clean(frame["title"])
    frame["body"] = clean(frame["body"])
    frame["title_length"] = frame["title"].str.len()
    frame["body_length"] = frame["body"].str.len()
    frame["word_count"] = np.where(frame["body"] == "", 0, frame["body"].str.count(" ") + 1)
    return frame


def posts_enriched(posts, users):
    by_id = users.set_index("id")
    enriched = posts.copy()
    for target, source in [("author_name", "name"), ("author_username", "username"), ("author_email", "email"), ("company_name", "company_name")]:
        enriched[target] = posts["user_id"].map(by_id[source]).fillna("")
    return enriched


def user_stats(posts, users):
    totals = posts.groupby("user_id").agg(post_count=("id", "size"), total_words=("word_count", "sum"), title_total=("title_length", "sum"))
    stats = users[["id", "name", "username"]].rename(columns={"id": "user_id"}).join(totals, on="user_id")
    stats["post_count"] = stats["post_count"].fillna(0).astype("int64")
    stats["total_words"] = stats["total_words"].fillna(0).astype("int64")
    stats["title_total"] = stats["title_total"].fillna(0).astype("int64")
    has_posts = stats["post_count"] > 0
    safe_count = stats["post_count"].where(has_posts, 1)
    stats["avg_words_per_post"] = np.where(has_posts, round2(stats["total_words"] / safe_count), 0.0)
    stats["avg_title_length"] = np.where(has_posts, round2(stats["title_total"] / safe_count), 0.0)
    return stats.drop(columns=["title_total"]).sort_values("user_id", kind="stable").reset_index(drop=True)


def top_authors(stats):
    active = stats[stats["post_count"] > 0]
    top = active.sort_values(["post_count", "total_words", "user_id"], ascending=[False, False, True], kind="stable").head(5).copy()
    top.insert(0, "rank", range(1, len(top) + 1))
    return top[["rank", "user_id", "name", "username", "post_count", "total_words", "avg_words_per_post"]].reset_index(drop=True)


def summary(users, posts, enriched):
    total_users = len(users)
    total_posts = len(posts)
    total_words = int(posts["word_count"].sum())
    # Posts are sorted by id and idxmax returns the first maximum: ties go to the smallest id.
    max_words_post_id = int(posts.loc[posts["word_count"].idxmax(), "id"]) if total_posts > 0 else None
    user_ids = users["id"]
    authors = enriched["user_id"]
    return pd.DataFrame(
        [
            {
                "total_users": total_users,
                "total_posts": total_posts,
                "avg_posts_per_user": round2([total_posts / total_users])[0] if total_users > 0 else 0,
                "avg_words_per_post": round2([total_words / total_posts])[0] if total_posts > 0 else 0,
                "max_words_post_id": max_words_post_id,
                "users_without_posts": int((~user_ids.isin(authors)).sum()),
                "orphan_posts": int((~authors.isin(user_ids)).sum()),
            }
        ]
    )


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: pandas_pipeline.py <snapshot folder> <output folder>\n")
        return 2
    report_rss_at_exit()
    snapshot, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    steps = {}
    rows = {}
    clock = time.perf_counter()

    def step(name, function, *args):
        nonlocal clock
        result = function(*args)
        now = time.perf_counter()
        steps[name] = round(now - clock, 3)
        clock = now
        return result

    def write(name, frame):
        frame.to_csv(os.path.join(out, f"{name}.csv"), index=False)
        rows[name] = len(frame)

    users = step("users", read_users, os.path.join(snapshot, "users.json"))
    step("users.csv", write, "users", users)
    posts = step("posts", read_posts, os.path.join(snapshot, "posts.json"))
    step("posts.csv", write, "posts", posts)
    enriched = step("posts_enriched", posts_enriched, posts, users)
    step("posts_enriched.csv", write, "posts_enriched", enriched)
    stats = step("user_stats", user_stats, posts, users)
    step("user_stats.csv", write, "user_stats", stats)
    top = step("top_authors", top_authors, stats)
    step("top_authors.csv", write, "top_authors", top)
    totals = step("summary", summary, users, posts, enriched)
    step("summary.csv", write, "summary", totals)

    json.dump({"pandas": pd.__version__, "steps": steps, "rows": rows}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
