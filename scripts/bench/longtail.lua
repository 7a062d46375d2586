-- wrk script: traffic with a long tail, the way a real search box or chat
-- widget sees it: most distinct queries arrive once, so no cache serves
-- them.
--
-- A third of requests come from a head of 100 repeated queries (Zipf,
-- weight 1/rank). Two thirds are composed afresh for every request from
-- the corpus's own titles (TITLES, one per line): a window of 1 to 3
-- consecutive words of a random title, half the time one more word from
-- another title, a third of them with two neighbouring letters swapped,
-- a quarter with the last word half-typed.
--
-- OPERATION=search (default) sends `search`; OPERATION=answer sends
-- `answer` with a whole title as the question (a third with a typo), the
-- chat widget's traffic. SEED=n repeats one run's sequence.
local operation = os.getenv("OPERATION") or "search"
local titles_file = os.getenv("TITLES") or error("TITLES must name a file of titles")

local titles = {}
for line in io.lines(titles_file) do
  if #line > 0 then titles[#titles + 1] = line end
end
assert(#titles > 0, "no titles in " .. titles_file)

local function words_of(s)
  local out = {}
  for w in s:lower():gmatch("[%w']+") do out[#out + 1] = w end
  return out
end

local function swap_letters(word)
  if #word < 4 then return word end
  local i = math.random(2, #word - 1)
  return word:sub(1, i - 1) .. word:sub(i + 1, i + 1) .. word:sub(i, i) .. word:sub(i + 2)
end

local function half_typed(word)
  if #word < 4 then return word end
  return word:sub(1, math.ceil(#word / 2))
end

local function composed()
  local words = {}
  local source = words_of(titles[math.random(#titles)])
  if #source == 0 then return "hair" end
  local n = math.min(math.random(1, 3), #source)
  local start = math.random(1, #source - n + 1)
  for i = start, start + n - 1 do words[#words + 1] = source[i] end
  if math.random() < 0.5 then
    local other = words_of(titles[math.random(#titles)])
    if #other > 0 then words[#words + 1] = other[math.random(#other)] end
  end
  if math.random() < 1 / 3 then
    local i = math.random(#words)
    words[i] = swap_letters(words[i])
  end
  if math.random() < 0.25 then
    words[#words] = half_typed(words[#words])
  end
  return table.concat(words, " ")
end

-- The head: 100 queries fixed for the run, drawn the same way.
local head, cumulative, total = {}, {}, 0

local function zipf_pick()
  local r = math.random() * total
  for rank = 1, #head do
    if r <= cumulative[rank] then return head[rank] end
  end
  return head[#head]
end

local function escape(q)
  return (q:gsub('\\', '\\\\'):gsub('"', '\\"'))
end

local function search_body(q)
  return string.format(
    '{"query":"query($q: String!) { search(query: $q, first: 10) { totalCount edges { node { score post { id slug title } highlights { field snippet } } } } }","variables":{"q":"%s"}}',
    escape(q))
end

local function answer_body(q)
  return string.format(
    '{"query":"query($q: String!) { answer(question: $q) { confidence sentences post { id slug title } } }","variables":{"q":"%s"}}',
    escape(q))
end

local function question()
  local q = titles[math.random(#titles)]
  if math.random() < 1 / 3 then
    local words = words_of(q)
    local i = math.random(#words)
    words[i] = swap_letters(words[i])
    q = table.concat(words, " ")
  end
  return q
end

local base = tonumber(os.getenv("SEED") or "") or os.time()
local threads = {}

setup = function(thread)
  threads[#threads + 1] = thread
  thread:set("seed", base * 1000 + #threads)
end

init = function(args)
  -- Every thread draws the same head from the same seed, then its own tail.
  math.randomseed(base)
  for rank = 1, 100 do
    head[rank] = (operation == "answer") and question() or composed()
    total = total + 1 / rank
    cumulative[rank] = total
  end
  math.randomseed(seed or 42)
end

request = function()
  local fresh = math.random() < 2 / 3
  local body
  if operation == "answer" then
    body = answer_body(fresh and question() or zipf_pick())
  else
    body = search_body(fresh and composed() or zipf_pick())
  end
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body)
end

-- GraphQL errors arrive with status 200, so bodies are read for them.
-- A global: `done` collects it from every thread's own state.
graphql_errors = 0
response = function(status, headers, body)
  if status == 200 and body:find('"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

done = function(summary, latency, requests)
  local errors = 0
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("graphql_errors") or 0)
  end
  io.write(string.format("graphql errors: %d\n", errors))
end
