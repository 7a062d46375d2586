-- wrk script: POSTs GraphQL searches, cycling through visitor-like queries
-- (plain, misspelt, half-typed). Set QUERY_KIND=trivial for `{ __typename }`.
local kind = os.getenv("QUERY_KIND") or "search"
local queries = {
  "how much does a touch-up cost", "will smp fade in the sun", "scar from hair transplant",
  "tracti", "micropigmantation sunscreen", "shaving after smp", "redness after session",
  "fue donor scar camoflage", "hair loss women", "laser remo", "how many sessions",
  "pain during treatment", "ink colour grey hair", "swimming after smp", "cost of fue grafts",
}
local bodies = {}
for i, q in ipairs(queries) do
  bodies[i] = string.format(
    '{"query":"query($q: String!) { search(query: $q, first: 10) { totalCount edges { node { score post { id slug title } highlights { field snippet } } } } }","variables":{"q":"%s"}}', q)
end
local trivial = '{"query":"{ __typename }"}'
local n = 0
request = function()
  n = n + 1
  local body = trivial
  if kind ~= "trivial" then body = bodies[(n % #bodies) + 1] end
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body)
end
