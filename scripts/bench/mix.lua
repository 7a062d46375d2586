-- wrk script: search traffic shaped like a help centre's search box.
--
-- Visitors type: each "session" sends its query keystroke by keystroke (a
-- request every 3 characters, as a debounced search box does), so short
-- prefixes repeat across visitors. Which question a visitor asks follows a
-- Zipf law over 80 common questions (weight 1/rank), and TAIL of sessions
-- (default 0.3) are one-off queries: 2 to 4 random domain words, a third of
-- them with a typo, which no cache has seen.
local tail_share = tonumber(os.getenv("TAIL") or "0.3")

local head = {
  "how much does a touch-up cost", "will smp fade in the sun", "how many sessions do i need",
  "does smp look natural", "scar from hair transplant", "hair loss women", "traction alopecia",
  "can i swim after smp", "how long does smp last", "laser removal of smp",
  "shaving after smp", "redness after session", "fue donor scar camouflage", "ink colour grey hair",
  "pain during treatment", "cost of fue grafts", "price of scalp micropigmentation",
  "can smp cover a scar", "alopecia areata treatment", "does it hurt", "aftercare tips",
  "when can i go to the gym", "sunscreen after smp", "will the pigment turn blue",
  "hairline design", "thinning crown", "smp with long hair", "touch up after a year",
  "how long is each session", "can i wash my hair", "itching after treatment",
  "finasteride and smp", "minoxidil", "receding hairline at 25", "density for thinning hair",
  "strip scar", "burn scar", "is smp permanent", "what is the norwood scale",
  "can women get smp", "payment plans", "consultation cost", "deposit refund",
  "how to prepare for smp", "alcohol before session", "sweating after smp",
  "sun exposure", "sauna after treatment", "hat after smp", "fading over time",
  "correcting bad smp", "removal cost", "how many laser sessions", "hair transplant vs smp",
  "smp for a buzz cut look", "dark skin pigment", "light skin pigment", "grey stubble match",
  "patchy regrowth", "shiny scalp", "see through hair", "concealer fibres",
  "foil shaver", "clippers guard", "moisturiser after smp", "swimming pool chlorine",
  "flaking after session", "how soon can i shave", "blood thinners", "pregnancy and smp",
  "psoriasis scalp", "eczema", "keloid scar", "stitches scar", "ponytail tension",
  "braids hair loss", "postpartum hair loss", "stress hair loss", "diet and hair loss", "booking",
}

local vocab = {
  "smp", "scalp", "hair", "loss", "scar", "pigment", "touch", "session", "sessions", "cost",
  "price", "fade", "sun", "laser", "removal", "hairline", "crown", "temples", "density",
  "transplant", "fue", "strip", "graft", "grafts", "donor", "alopecia", "traction", "areata",
  "women", "thinning", "receding", "shave", "shaving", "razor", "clippers", "guard", "gym",
  "swim", "sweat", "sauna", "sunscreen", "aftercare", "healing", "redness", "itch", "scab",
  "flaking", "colour", "grey", "blue", "ink", "dots", "natural", "stubble", "buzz", "cut",
  "long", "permanent", "years", "months", "weeks", "consultation", "deposit", "booking",
  "payment", "plan", "refund", "pain", "numbing", "cream", "doctor", "clinic", "results",
  "before", "after", "photos", "skin", "dark", "light", "oily", "dry", "tone", "match",
  "minoxidil", "finasteride", "medication", "stress", "diet", "pregnancy", "postpartum",
  "keloid", "burn", "stitches", "surgery", "camouflage", "correction", "blend", "shade",
}

-- Zipf weights over the head, as a cumulative table.
local cumulative, total = {}, 0
for rank = 1, #head do
  total = total + 1 / rank
  cumulative[rank] = total
end

local function zipf_pick()
  local r = math.random() * total
  for rank = 1, #head do
    if r <= cumulative[rank] then return head[rank] end
  end
  return head[#head]
end

local function typo(word)
  if #word < 5 then return word end
  local i = math.random(2, #word - 1)
  -- Swap two neighbouring letters, the commonest slip.
  return word:sub(1, i - 1) .. word:sub(i + 1, i + 1) .. word:sub(i, i) .. word:sub(i + 2)
end

local function tail_query()
  local words = {}
  for i = 1, math.random(2, 4) do
    local w = vocab[math.random(#vocab)]
    if math.random() < 0.33 then w = typo(w) end
    words[i] = w
  end
  return table.concat(words, " ")
end

local function body(q)
  q = q:gsub('"', '\\"')
  return string.format(
    '{"query":"query($q: String!) { search(query: $q, first: 10) { totalCount edges { node { score post { id slug title } highlights { field snippet } } } } }","variables":{"q":"%s"}}', q)
end

local typing, typed = nil, 0

-- A new seed for every run (SEED=n repeats one): the warm-up run must not
-- replay the measured run's queries into the cache.
local base = tonumber(os.getenv("SEED") or "") or os.time()
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("seed", base * 1000 + threads)
end

init = function(args)
  math.randomseed(seed or 42)
end

request = function()
  if typing == nil or typed >= #typing then
    typing = (math.random() < tail_share) and tail_query() or zipf_pick()
    typed = 0
  end
  typed = math.min(typed + 3, #typing)
  local q = typing:sub(1, typed)
  return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, body(q))
end
