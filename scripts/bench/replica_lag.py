#!/usr/bin/env python3
"""Write-to-searchable latency across replicas.

A staff mutation on replica A creates an article with a word no other post
has (the mutation returns once A's own index has it); the time from
sending it until a search on replica B finds the word. B learns of the
write through PostgreSQL's NOTIFY, or its 200 ms poll when that is lost.
Prints p50, p99 and max in milliseconds over RUNS writes (default 200).

    replica_lag.py http://A http://B TOKEN
"""
import json, os, random, string, sys, time, urllib.request

a, b, token = sys.argv[1], sys.argv[2], sys.argv[3]
runs = int(os.environ.get("RUNS", "200"))


def gql(base, query, variables=None, auth=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(base + "/graphql", body, {"Content-Type": "application/json"})
    if auth:
        req.add_header("Authorization", "Bearer " + auth)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def found(word):
    # The trailing space says the word is complete: no prefix matching.
    res = gql(b, "query($q: String!) { search(query: $q) { totalCount } }", {"q": word + " "})
    return res["data"]["search"]["totalCount"] > 0


CREATE = "mutation($i: CreateArticleInput!) { createArticle(input: $i) { post { id } userErrors { code } } }"
lags = []
for _ in range(runs):
    word = "".join(random.choice(string.ascii_lowercase) for _ in range(14))
    start = time.perf_counter()
    res = gql(a, CREATE, {"i": {"title": f"Replica lag {word}", "body": f"The {word} note."}}, token)
    assert res["data"]["createArticle"]["post"], res
    while not found(word):
        if time.perf_counter() - start > 10:
            raise SystemExit(f"{word} never reached the other replica")
        time.sleep(0.001)
    lags.append((time.perf_counter() - start) * 1000)
    time.sleep(random.uniform(0.0, 0.05))

lags.sort()
pct = lambda p: lags[min(len(lags) - 1, int(round(p / 100 * (len(lags) - 1))))]
print(f"write on one replica to searchable on another ({runs} writes): "
      f"p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms, max {lags[-1]:.1f} ms")
