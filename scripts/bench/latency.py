#!/usr/bin/env python3
"""Publish-to-searchable latency against a running kbql.

same-process: a staff mutation publishes a new answer; the time until a
search finds it (the mutation itself waits for the index).
cross-process: `kbql import` of one new post in another process; the time
from launching it until a search finds it. That includes the process's own
start-up and import, so it is an upper bound on commit-to-searchable.
Prints p50 and max in milliseconds for each.
"""
import json, os, random, string, subprocess, sys, tempfile, time, urllib.request

base, token, kbql, data_dir = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
db_args = sys.argv[5:]  # e.g. --database-url URL
runs = int(os.environ.get("RUNS", "20"))


def gql(query, variables=None, auth=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(base + "/graphql", body, {"Content-Type": "application/json"})
    if auth:
        req.add_header("Authorization", "Bearer " + auth)
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def found(word):
    # The trailing space says the word is complete: no prefix matching.
    res = gql("query($q: String!) { search(query: $q) { totalCount } }", {"q": word + " "})
    return res["data"]["search"]["totalCount"] > 0


def wait_found(word, since):
    while not found(word):
        if time.perf_counter() - since > 10:
            raise SystemExit(f"{word} never became searchable")
        time.sleep(0.002)
    return (time.perf_counter() - since) * 1000


def fresh_word():
    # Random letters: no two words are within the typo budget of each
    # other, so a search can only find the post just written.
    return "".join(random.choice(string.ascii_lowercase) for _ in range(14))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


same = []
for i in range(runs):
    word = fresh_word()
    asked = gql("mutation($q: String!) { askQuestion(input: {question: $q}) { question { id } } }",
                {"q": f"Is {word} pigment safe?"})
    pid = asked["data"]["askQuestion"]["question"]["id"]
    start = time.perf_counter()
    gql("mutation($id: ID!) { answerQuestion(input: {id: $id, answer: \"Yes.\"}) { post { id } } }", {"id": pid}, token)
    same.append(wait_found(word, start))

cross = []
with tempfile.TemporaryDirectory() as tmp:
    for i in range(max(5, runs // 2)):
        word = fresh_word()
        path = os.path.join(tmp, f"p{i}.jsonl")
        with open(path, "w") as f:
            f.write(json.dumps({"slug": word, "title": f"About {word}", "question": "q?", "answer": f"{word} answer."}) + "\n")
        start = time.perf_counter()
        subprocess.run([kbql, "import", path, "--data-dir", data_dir, *db_args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cross.append(wait_found(word, start))

print(f"same-process publish-to-searchable: p50 {pct(same, 50):.1f} ms, max {max(same):.1f} ms ({len(same)} runs)")
print(f"cross-process publish-to-searchable (from launching kbql import): p50 {pct(cross, 50):.1f} ms, max {max(cross):.1f} ms ({len(cross)} runs)")
