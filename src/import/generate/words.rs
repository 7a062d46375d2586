//! The generator's vocabulary and templates: topics with their words,
//! sentence templates, and the pools rare words are drawn from. Only data.

pub(super) struct Topic {
    pub(super) weight: f64,
    pub(super) category: &'static str,
    pub(super) doctor: usize,
    /// The first tag is the topic's own; the rest are its usual companions.
    pub(super) tags: &'static [&'static str],
    pub(super) procs: &'static [&'static str],
    pub(super) areas: &'static [&'static str],
    pub(super) symptoms: &'static [&'static str],
    pub(super) products: &'static [&'static str],
    pub(super) price: (u32, u32),
    pub(super) titles: &'static [&'static str],
    pub(super) questions: &'static [&'static str],
    pub(super) answers: &'static [&'static str],
    pub(super) steps: &'static [&'static str],
    pub(super) headlines: &'static [&'static str],
}

/// Ordered by popularity: the rank drives the Zipf weight.
#[rustfmt::skip]
pub(super) const TAGS: &[&str] = &[
    "smp", "hair loss", "scalp micropigmentation", "hair transplant", "fue", "touch-up",
    "aftercare", "cost", "scarring", "fading", "hairline", "crown", "shaving", "fut", "density",
    "pigment", "consultation", "women", "alopecia", "traction alopecia", "healing", "sun exposure",
    "donor area", "thinning", "scar camouflage", "finasteride", "minoxidil", "skin tone", "redness",
    "itching", "gym", "swimming", "laser removal", "results", "before and after",
    "diffuse thinning", "alopecia areata", "receding hairline", "temples", "grafts", "shock loss",
    "prp", "norwood scale", "beard", "eyebrows", "keloids", "blue tint", "pigment migration",
    "sessions", "moisturiser", "sunscreen", "hats", "sweating", "financing", "travel",
    "second opinion", "corrective work", "long hair", "grey hair", "age", "pain", "numbing cream",
];

pub(super) const CATEGORIES: &[&str] = &[
    "Scalp Micropigmentation",
    "Hair Transplants",
    "Scars & Camouflage",
    "Hair Loss Conditions",
    "Aftercare & Healing",
    "Costs & Booking",
    "Pigment & Touch-Ups",
    "Lifestyle & Maintenance",
];

pub(super) const DOCTORS: &[&str] = &[
    "Dr. Helena Marsh",
    "Dr. Tobias Reyes",
    "Dr. Priya Castell",
    "Dr. Owen Lindqvist",
];

#[rustfmt::skip]
pub(super) const TOPICS: &[Topic] = &[
    Topic {
        weight: 18.0,
        category: "Scalp Micropigmentation",
        doctor: 0,
        tags: &[
            "smp", "scalp micropigmentation", "density", "hairline", "results", "sessions",
            "before and after", "norwood scale",
        ],
        procs: &[
            "SMP", "scalp micropigmentation", "a full-scalp SMP treatment", "hairline SMP",
            "SMP for a buzz-cut look",
        ],
        areas: &["hairline", "crown", "temples", "whole scalp", "frontal hairline", "vertex"],
        symptoms: &[
            "a receding hairline", "thinning at the crown", "a shiny scalp", "patchy regrowth",
            "a see-through look under bright light",
        ],
        products: &[
            "clippers", "a 0.5 mm guard", "a matte scalp lotion", "a foil shaver",
            "concealer fibres",
        ],
        price: (1500, 4500),
        titles: &[
            "Will SMP look natural on my {area}?",
            "Is scalp micropigmentation right for someone with {symptom}?",
            "How many sessions does {proc} take?",
            "Can SMP recreate a soft hairline at {age}?",
            "Does SMP still look good up close?",
            "What does {proc} actually involve?",
            "Can I have SMP if I still have some hair?",
        ],
        questions: &[
            "I'm {age} and I've been dealing with {symptom} for {time}. Would {proc} give me a believable result on my {area}?",
            "I already keep my hair at a number one. Does SMP really pass for stubble, or can people tell from close range?",
            "How do you decide where the new hairline should sit? I'd like it to look {adj} rather than painted on.",
            "What happens during the first session of {proc}, and how long is each appointment?",
            "Most of the loss is at my {area}. Can you work on just that area, or does the whole scalp need doing?",
        ],
        answers: &[
            "Each dot is placed in the upper layer of the skin so that it imitates a hair follicle cut very short.",
            "We build density gradually, which is why most clients need {count} spaced {gap2} apart.",
            "The first session lays down a light foundation, and later visits add depth and refine the {area}.",
            "A good hairline is slightly irregular, with softer dots at the front and firmer coverage behind.",
            "We match the shade to your existing stubble and skin tone rather than aiming for solid black.",
            "If you still have hair, we blend the dots between existing follicles to reduce the see-through effect.",
            "Most people who meet you will simply read the result as a fresh buzz cut.",
            "Clients at Norwood {norwood} usually notice the most dramatic change.",
            "Under harsh overhead lighting the effect still holds up, because the dots vary in depth and size.",
            "For {skin} skin we usually choose a slightly diluted pigment so the result stays soft.",
        ],
        steps: &[
            "Book a consultation so we can map your {area} and agree on a hairline.",
            "Keep your head shaved to the same length for a week before the first session.",
            "Skip alcohol and strong coffee the day before so you bleed less.",
            "Plan the sessions {gap2} apart so each layer can settle.",
            "Bring photos of hairlines you like to the design appointment.",
        ],
        headlines: &[
            "What Scalp Micropigmentation Can and Cannot Do",
            "How We Design a Natural SMP Hairline",
            "SMP Explained: From First Consultation to Final Session",
            "Why SMP Is Built Up Over Several Sessions",
        ],
    },
    Topic {
        weight: 12.0,
        category: "Pigment & Touch-Ups",
        doctor: 0,
        tags: &[
            "touch-up", "fading", "pigment", "smp", "sun exposure", "blue tint", "sunscreen",
            "skin tone",
        ],
        procs: &["a touch-up session", "an SMP top-up", "a colour refresh", "SMP"],
        areas: &["hairline", "crown", "temples", "sides", "scar line"],
        symptoms: &[
            "fading", "a blue tint", "a greenish cast", "uneven colour", "patchy fading",
            "dots that look lighter", "a washed-out hairline",
        ],
        products: &[
            "SPF 50 sunscreen", "a wide-brimmed hat", "an exfoliating scrub", "a mild shampoo",
            "a tinted moisturiser",
        ],
        price: (150, 600),
        titles: &[
            "Why is my SMP fading after {time}?",
            "How often will I need a touch-up?",
            "Should I expect {symptom} with older SMP?",
            "Does the sun make scalp micropigmentation fade faster?",
            "Can you fix {symptom} on my {area}?",
            "When is the right time to book {proc}?",
        ],
        questions: &[
            "I had SMP done {time} ago and now I'm noticing {symptom} on my {area}. Is this expected, or did something go wrong?",
            "I spend a lot of time outdoors because of {hobby}. How much will the sun shorten the life of my SMP?",
            "How long should scalp micropigmentation last before it needs {proc}?",
            "The pigment on my {area} looks lighter than the rest. Can you refresh one area without redoing everything?",
        ],
        answers: &[
            "Some lightening in the first month is expected, because the skin sheds pigment that sat too close to the surface.",
            "The body slowly breaks pigment down, so most clients book a top-up every three to five years.",
            "A blue or green tint usually means the pigment went in too deep or was a carbon ink never meant for the scalp.",
            "Daily sunscreen is the single best habit for keeping the dots crisp.",
            "Exfoliating scrubs and strong peels strip pigment much faster than ordinary washing.",
            "A refresh is usually quicker than the original work, often about ninety minutes.",
            "We re-check the shade on the day, since skin tone and hair colour both change over time.",
            "If the fading is limited to the {area}, we can treat that zone alone and blend it into the rest.",
            "Pigment fades unevenly on oily skin, which is why some clients need touch-ups sooner.",
        ],
        steps: &[
            "Put SPF 50 on your scalp whenever you are outside for more than half an hour.",
            "Swap scrubs and peels for a gentle, fragrance-free wash.",
            "Send us clear photos of the {area} in daylight before booking.",
            "Book the touch-up in a quieter month so you can stay out of the sun afterwards.",
        ],
        headlines: &[
            "Why SMP Fades and How to Slow It Down",
            "Touch-Ups Explained: When, Why and How Much",
            "Sun, Sweat and Pigment: Keeping Your SMP Sharp",
        ],
    },
    Topic {
        weight: 9.0,
        category: "Scars & Camouflage",
        doctor: 1,
        tags: &[
            "scarring", "scar camouflage", "smp", "fut", "donor area", "keloids", "hair transplant",
            "corrective work",
        ],
        procs: &[
            "scar camouflage", "SMP over the scar", "scar camouflage with SMP", "a scar revision",
        ],
        areas: &["donor area", "scar line", "donor strip", "crown scar", "area above the ears"],
        symptoms: &[
            "a wide strip scar", "white dot scars", "a raised scar", "a shiny scar", "a keloid",
            "a scar that shows with short hair",
        ],
        products: &[
            "silicone gel", "a steroid cream", "vitamin E oil", "a concealer", "scar massage",
        ],
        price: (600, 2200),
        titles: &[
            "Can SMP hide {symptom}?",
            "Will pigment take on scar tissue?",
            "How many sessions to cover a FUT scar?",
            "Can I wear my hair short again after scar camouflage?",
            "Is it safe to tattoo over a keloid?",
            "Will scar camouflage match the rest of my scalp?",
        ],
        questions: &[
            "I had strip surgery {time} ago and the scar on my {area} measures about {cm} centimetres. Can SMP make it disappear if I go for a short cut?",
            "After FUE I'm left with {symptom}. Can anything make that less obvious?",
            "My scar is raised and a bit shiny. Does pigment hold in that kind of skin?",
            "I'd love to wear a grade two again. Is scar camouflage realistic for me?",
        ],
        answers: &[
            "Scar tissue takes pigment less predictably than normal skin, so we always plan an extra session.",
            "We usually wait nine to twelve months after surgery so the scar has fully matured before treating it.",
            "Raised or keloid scars should be seen by a dermatologist first, because needling can make them worse.",
            "The aim is not to erase the scar but to break up its outline so the eye reads it as stubble.",
            "Flat, pale scars respond best, and many clients go back to a short clipper length afterwards.",
            "We carry the dots a little beyond the scar so there is no hard edge between treated and untreated skin.",
            "Silicone gel can soften a newer scar before we start, which helps the pigment settle evenly.",
            "Dot scars from FUE are often easier to hide than a strip scar, because each one is tiny.",
        ],
        steps: &[
            "Wait until the scar is no longer pink, which usually takes six months or more.",
            "Send close-up photos of the scar next to a ruler.",
            "Ask your surgeon for notes on how the donor area was closed.",
            "Expect {count} for scar tissue.",
        ],
        headlines: &[
            "Camouflaging Transplant Scars With SMP",
            "Strip Scars, Dot Scars and What Pigment Can Do",
            "When Is a Scar Ready for Camouflage?",
        ],
    },
    Topic {
        weight: 10.0,
        category: "Hair Transplants",
        doctor: 2,
        tags: &[
            "hair transplant", "fue", "grafts", "donor area", "hairline", "shock loss", "results",
            "density", "travel",
        ],
        procs: &[
            "FUE", "an FUE transplant", "a hair transplant", "a second FUE procedure",
            "beard-to-scalp FUE",
        ],
        areas: &["hairline", "crown", "temples", "donor area", "mid-scalp"],
        symptoms: &[
            "shock loss", "patchy growth", "overharvesting", "a pluggy look", "slow growth",
            "cysts around the grafts",
        ],
        products: &[
            "minoxidil", "finasteride", "a saline spray", "a loose bucket hat",
        ],
        price: (3000, 12000),
        titles: &[
            "How many grafts will I need for my {area}?",
            "Is it normal to see {symptom} after FUE?",
            "FUE or SMP: which is better for me?",
            "When will my FUE results show?",
            "Can I have a second transplant after {time}?",
            "Is a cheap hair transplant abroad worth the risk?",
        ],
        questions: &[
            "I'm {age} and losing hair at the {area}. A clinic quoted me {grafts} grafts. Does that sound right?",
            "It has been {time} since my FUE and I'm seeing {symptom}. Should I be worried?",
            "I'm looking at a clinic in {place} that charges {price}. What should I check before I book?",
            "Would you recommend combining FUE with SMP to get more density at the {area}?",
        ],
        answers: &[
            "Transplanted hair usually sheds within the first month and starts to regrow at around three to four months.",
            "The final result is typically visible at twelve to eighteen months, and the crown is often the slowest.",
            "Your donor area is a limited resource, so we plan every transplant with future loss in mind.",
            "A graft count only means something alongside the size of the area and the thickness of your hair.",
            "Shock loss of surrounding native hair is common and usually recovers within a few months.",
            "Adding SMP between transplanted hairs reduces the contrast between scalp and hair, so the result looks denser.",
            "Very low prices abroad can mean technicians doing the work instead of a surgeon, so ask who performs each step.",
            "Overharvesting leaves the donor area thin and patchy, which is hard to correct later.",
            "Most people return to desk work within {wait2}, but heavy exercise should wait longer.",
        ],
        steps: &[
            "Ask who will make the incisions and who will extract the grafts.",
            "Request photos of patients with a similar hair type at twelve months.",
            "Stop smoking at least two weeks before surgery.",
            "Sleep with your head raised for the first few nights.",
            "Keep the grafts moist with saline spray as instructed.",
        ],
        headlines: &[
            "FUE in Plain Language: Grafts, Growth and Timelines",
            "Questions to Ask Before Booking a Hair Transplant Abroad",
            "Why Your Donor Area Matters More Than Your Graft Count",
        ],
    },
    Topic {
        weight: 4.0,
        category: "Hair Transplants",
        doctor: 2,
        tags: &["fut", "hair transplant", "scarring", "donor area", "grafts", "pain", "healing"],
        procs: &["FUT", "strip surgery", "a strip procedure", "FUT with a trichophytic closure"],
        areas: &["donor area", "scar line", "crown", "hairline"],
        symptoms: &[
            "tightness in the donor area", "numbness", "a stretched scar",
            "tenderness along the stitches", "swelling on the forehead",
        ],
        products: &[
            "painkillers", "a cold compress", "an antiseptic wash", "a saline spray",
        ],
        price: (4000, 11000),
        titles: &[
            "Is FUT still worth considering?",
            "How long does the tightness last after strip surgery?",
            "Will my FUT scar stretch?",
            "FUT or FUE when I need a lot of grafts?",
            "Should I worry about {symptom} after FUT?",
        ],
        questions: &[
            "My surgeon recommends FUT because I need a lot of grafts. How visible will the scar be if I keep my hair at a grade four?",
            "I had strip surgery {time} ago and still have {symptom}. When does that settle?",
            "Why would anyone choose FUT over FUE these days?",
        ],
        answers: &[
            "FUT can harvest a large number of grafts in one session while leaving the rest of the donor area untouched.",
            "The trade-off is a linear scar, which is usually hidden by hair longer than a grade three.",
            "Numbness and tightness at the back of the head are common and typically fade over a few months.",
            "Scars tend to stretch more in people with a tight scalp or those who go back to heavy lifting too soon.",
            "A trichophytic closure lets hair grow through the scar, which makes it harder to spot.",
            "If you later want to shave your head, SMP can camouflage the strip scar.",
        ],
        steps: &[
            "Avoid heavy lifting and contact sports for at least {wait2}.",
            "Take the prescribed pain relief on a schedule for the first two days.",
            "Have the stitches checked or removed when advised.",
            "Keep your neck relaxed and avoid bending forward sharply.",
        ],
        headlines: &[
            "FUT Is Not Dead: When Strip Surgery Still Makes Sense",
            "Living With a Strip Scar",
        ],
    },
    Topic {
        weight: 6.0,
        category: "Hair Loss Conditions",
        doctor: 3,
        tags: &[
            "traction alopecia", "hair loss", "hairline", "temples", "women", "alopecia", "smp",
            "thinning",
        ],
        procs: &["SMP", "a small hairline transplant", "scalp micropigmentation", "PRP"],
        areas: &["temples", "edges", "hairline", "nape", "part line"],
        symptoms: &[
            "thinning edges", "a receding hairline at the temples", "broken hairs",
            "small bumps along the hairline", "tenderness after braiding",
        ],
        products: &[
            "a satin scarf", "a silk pillowcase", "a light edge control", "low-tension braids",
            "a wide-tooth comb",
        ],
        price: (400, 2500),
        titles: &[
            "Can traction alopecia grow back?",
            "Is the hair at my {area} gone for good?",
            "Can SMP cover thinning edges from braids?",
            "Is it too late to stop traction alopecia at {age}?",
            "Could my hairstyle be causing {symptom}?",
        ],
        questions: &[
            "I've worn tight braids for years and now I have {symptom}. Is the hair coming back?",
            "The hair at my {area} has been thinning since I started wearing a tight bun for work. What can I do?",
            "Would a transplant work for traction alopecia, or is SMP a better fit?",
        ],
        answers: &[
            "Traction alopecia comes from long-term pulling on the follicles, so the first step is always to reduce tension.",
            "Caught early, the hair often regrows once the pulling stops.",
            "After many years of tension the follicles can scar and stop producing hair, and then regrowth is unlikely.",
            "We usually wait until the loss has been stable for at least a year before offering permanent treatment.",
            "SMP can add shadow to thin edges so the hairline looks fuller without putting more strain on the hair.",
            "Transplants into traction areas can work well, but only if the styling habits behind the loss change.",
            "A dermatologist can confirm the diagnosis, since frontal fibrosing alopecia can look similar at first.",
        ],
        steps: &[
            "Loosen braids, ponytails and buns, especially around the {area}.",
            "Alternate styles so the same follicles are not pulled every day.",
            "Sleep on a silk or satin pillowcase to reduce friction.",
            "Book a dermatology review if you see redness, bumps or scaling.",
        ],
        headlines: &[
            "Traction Alopecia: Catching It Before It Becomes Permanent",
            "Hairstyles, Tension and Your Hairline",
        ],
    },
    Topic {
        weight: 12.0,
        category: "Aftercare & Healing",
        doctor: 0,
        tags: &[
            "aftercare", "healing", "redness", "itching", "gym", "swimming", "sweating", "smp",
            "moisturiser",
        ],
        procs: &[
            "SMP", "an SMP session", "scalp micropigmentation", "a hair transplant",
            "the first session",
        ],
        areas: &["scalp", "hairline", "crown", "donor area", "temples"],
        symptoms: &[
            "redness", "itching", "small scabs", "flaking", "tenderness", "a little swelling",
            "tiny spots of blood", "a tight feeling",
        ],
        products: &[
            "moisturiser", "a fragrance-free moisturiser", "baby shampoo", "aloe vera gel",
            "antiseptic spray", "a cap", "coconut oil",
        ],
        price: (100, 400),
        titles: &[
            "When can I go back to the gym after SMP?",
            "Should I still have {symptom} {wait} after treatment?",
            "Can I wash my head after {proc}?",
            "When can I swim again after scalp micropigmentation?",
            "Can I use {product} while my scalp heals?",
            "How long before I can wear a hat?",
        ],
        questions: &[
            "I had {proc} yesterday and I've noticed {symptom} on my {area}. Is that normal, and what should I put on it?",
            "I'm really into {hobby}. How long do I need to stop after a session?",
            "Can I use {product} while the scalp is healing, or should I keep it completely dry?",
            "How soon can I sweat? I have {event} coming up.",
        ],
        answers: &[
            "Keep the scalp dry for the first four days, because water and sweat can lift pigment before it settles.",
            "Mild redness usually calms within a day or two, and light flaking after that is part of normal healing.",
            "Avoid the gym, saunas and steam rooms for {wait2} after each session.",
            "Pools and the sea should wait at least four weeks, since chlorine and salt can fade fresh pigment.",
            "Do not pick at scabs; let them fall away on their own.",
            "A loose cap is fine after the first day, but avoid tight hats that rub the {area}.",
            "From day five a thin layer of fragrance-free moisturiser helps with tightness and itching.",
            "If redness spreads, feels hot or comes with a fever, contact us or your GP straight away.",
        ],
        steps: &[
            "Keep the scalp completely dry for the first four days.",
            "Sleep on a clean, dark pillowcase for the first week.",
            "Skip workouts, saunas and swimming until we say otherwise.",
            "Moisturise lightly from day five with a fragrance-free cream.",
            "Hold off shaving until day five, then use light strokes.",
        ],
        headlines: &[
            "The First Week After SMP: A Day-by-Day Guide",
            "Aftercare Mistakes That Fade Fresh Pigment",
            "Exercise, Sweat and Healing After Treatment",
        ],
    },
    Topic {
        weight: 7.0,
        category: "Lifestyle & Maintenance",
        doctor: 1,
        tags: &[
            "shaving", "smp", "moisturiser", "sunscreen", "hats", "beard", "grey hair", "long hair",
        ],
        procs: &["SMP", "scalp micropigmentation", "SMP on a shaved head"],
        areas: &["scalp", "hairline", "crown", "neckline", "sides"],
        symptoms: &[
            "razor bumps", "ingrown hairs", "a shiny scalp", "stubble growing out unevenly",
            "grey stubble next to the dots", "nicks",
        ],
        products: &[
            "a foil shaver", "a rotary shaver", "a safety razor", "a matte moisturiser",
            "clippers with no guard", "a pre-shave oil",
        ],
        price: (100, 400),
        titles: &[
            "How often should I shave my head with SMP?",
            "Which shaver works best on an SMP scalp?",
            "Will my SMP look wrong if my hair goes grey?",
            "How do I stop my scalp looking shiny?",
            "Can I grow my hair out after SMP?",
        ],
        questions: &[
            "How often do I need to shave to keep SMP looking right? At the moment I use {product}.",
            "I keep getting {symptom} when I shave. Is there a better routine?",
            "My stubble is turning grey. Will the dots start to look too dark?",
            "Is it okay to let my hair grow a bit longer over winter?",
        ],
        answers: &[
            "Most clients shave every one to three days so real stubble stays close to the length of the dots.",
            "A foil shaver is gentle on pigmented skin and leaves a natural shadow rather than a polished finish.",
            "A matte moisturiser cuts down on shine, which is what gives a shaved head away in photos.",
            "If your stubble turns grey we can lighten future touch-ups to keep the contrast believable.",
            "Growing your hair out is fine where you have hair, and the dots underneath simply add density.",
            "Shave with the grain for the first few weeks after a session to avoid irritation.",
        ],
        steps: &[
            "Shave every one to three days with {product}.",
            "Use a pre-shave oil if you get bumps or nicks.",
            "Finish with a matte, fragrance-free moisturiser.",
            "Wear sunscreen whenever you are outdoors.",
        ],
        headlines: &[
            "Shaving Routines That Keep SMP Looking Real",
            "Living With SMP: Shine, Stubble and Sunscreen",
        ],
    },
    Topic {
        weight: 9.0,
        category: "Costs & Booking",
        doctor: 3,
        tags: &[
            "cost", "consultation", "financing", "sessions", "touch-up", "travel", "second opinion",
            "smp",
        ],
        procs: &[
            "SMP", "a full-scalp treatment", "a hairline-only treatment", "scar camouflage",
            "a hair transplant", "a touch-up",
        ],
        areas: &["whole scalp", "hairline", "crown", "scar", "temples"],
        // Money worries are no symptoms and payment plans no products: left
        // empty so they can't leak into other topics' sentences.
        symptoms: &[],
        products: &[],
        price: (200, 4500),
        titles: &[
            "How much does {proc} cost?",
            "Why do SMP prices vary so much?",
            "Is the price per session or for the whole treatment?",
            "Do you offer payment plans?",
            "Is a {price} quote for SMP reasonable?",
            "What is included in the price of {proc}?",
        ],
        questions: &[
            "I've been quoted {price} for {proc}. Is that a normal price, and what should it include?",
            "Do I pay per session, or is there one price for the whole treatment?",
            "Is there a deposit, and can I spread the cost over a few months?",
            "A clinic in {place} is much cheaper. What am I likely to be giving up?",
        ],
        answers: &[
            "Our price for {proc} is {price}, and it covers every session needed to finish the work.",
            "Smaller areas are priced separately, so a hairline-only treatment costs less than a full scalp.",
            "We take a {deposit} deposit when you book, and it comes off the final bill.",
            "Consultations are free, and there is no obligation to book afterwards.",
            "Touch-ups within the first year are included; later refreshes are charged at {price2}.",
            "Very cheap quotes often leave out the follow-up sessions, so ask for the total in writing.",
            "Correcting poor work from elsewhere usually costs more than doing it right the first time.",
            "We offer interest-free payment plans over six or twelve months for larger treatments.",
        ],
        steps: &[
            "Ask for a written quote that lists every session.",
            "Check whether touch-ups are included, and for how long.",
            "Ask what happens to your deposit if you reschedule.",
            "Compare portfolios, not just prices.",
        ],
        headlines: &[
            "What Goes Into the Price of SMP",
            "Cheap Quotes and Hidden Costs",
            "Paying for Treatment: Deposits, Plans and Refunds",
        ],
    },
    Topic {
        weight: 6.0,
        category: "Scalp Micropigmentation",
        doctor: 3,
        tags: &[
            "women", "diffuse thinning", "thinning", "smp", "long hair", "density", "hair loss",
        ],
        procs: &[
            "SMP for thinning hair", "scalp micropigmentation", "density SMP", "SMP along the part",
        ],
        areas: &["part line", "crown", "top of the head", "temples", "hairline"],
        symptoms: &[
            "a widening part", "thinning after pregnancy", "scalp showing through under lights",
            "diffuse thinning", "hair loss after menopause",
        ],
        products: &[
            "a root touch-up spray", "hair fibres", "minoxidil foam", "a volumising shampoo",
            "a hair topper",
        ],
        price: (900, 3200),
        titles: &[
            "Does SMP work for women with long hair?",
            "Can SMP hide {symptom}?",
            "Will the dots show through my hair?",
            "Is SMP an option for {symptom}?",
            "Can I still colour my hair after density SMP?",
        ],
        questions: &[
            "I'm a woman in my {decade} with {symptom}. Can SMP help if I want to keep my hair long?",
            "I use {product} every morning to hide my {area}. Is there something more permanent?",
            "Will density SMP look strange if I dye my hair or change colour later?",
        ],
        answers: &[
            "Density SMP places dots between existing hairs so the scalp no longer contrasts with the hair.",
            "You keep your hair at its usual length; the pigment simply reduces the shine showing through.",
            "We avoid drawing a hard line along the part, because a soft scatter looks more natural.",
            "Changing your hair colour is rarely a problem, since we match the pigment to your roots and skin.",
            "It is worth ruling out thyroid, iron or hormonal causes with your doctor before starting.",
            "Many clients stop relying on fibres and sprays after their second session.",
        ],
        steps: &[
            "Ask your GP to check iron, thyroid and hormone levels.",
            "Stop using fibres for a few days before each session.",
            "Part your hair as you normally do when you come in, so we treat the right line.",
        ],
        headlines: &[
            "SMP for Women: Density Without Shaving",
            "Thinning Hair and a Widening Part: Your Options",
        ],
    },
    Topic {
        weight: 7.0,
        category: "Hair Loss Conditions",
        doctor: 2,
        tags: &[
            "hair loss", "finasteride", "minoxidil", "prp", "receding hairline", "norwood scale",
            "crown", "age",
        ],
        procs: &["finasteride", "minoxidil", "PRP", "a hair transplant", "SMP", "microneedling"],
        areas: &["crown", "hairline", "temples", "vertex", "mid-scalp"],
        symptoms: &[
            "a receding hairline", "thinning at the crown", "shedding", "a sore scalp",
            "loss of density",
        ],
        products: &[
            "finasteride", "minoxidil", "ketoconazole shampoo", "biotin supplements", "dutasteride",
            "a derma roller",
        ],
        price: (50, 900),
        titles: &[
            "Should I start {product} before getting SMP?",
            "Is {product} worth trying at {age}?",
            "Will {proc} stop my hair loss getting worse?",
            "Can I use minoxidil on a healing scalp?",
            "Does PRP actually work for hair loss?",
        ],
        questions: &[
            "I'm {age} and the thinning at my {area} started {time} ago. Should I try {product} first, or go straight to SMP?",
            "I've been on {product} for {time} but I'm still noticing {symptom}. Is it time to look at other options?",
            "Can I keep using minoxidil after a session, or will it affect the pigment?",
        ],
        answers: &[
            "Medication is best at holding on to the hair you have, not at regrowing large bald areas.",
            "Most people need to give a treatment at least six months before judging whether it helps.",
            "Stopping medication usually means the hair it was protecting is lost over the following year.",
            "Topical treatments should be paused on the treated area until the skin has fully healed.",
            "It is sensible to discuss side effects with a prescribing doctor before starting any tablet.",
            "SMP does not affect the follicles, so it can be combined with medication.",
            "PRP gives mixed results, and we only recommend it as part of a wider plan.",
        ],
        steps: &[
            "Take clear photos every three months in the same light.",
            "Discuss side effects with your prescriber before starting.",
            "Pause topical products on the scalp for a week around each session.",
        ],
        headlines: &[
            "Medication, PRP and SMP: Building a Hair Loss Plan",
            "Holding On to What You Have: A Guide to Hair Loss Medication",
        ],
    },
    Topic {
        weight: 4.0,
        category: "Hair Loss Conditions",
        doctor: 3,
        tags: &["alopecia", "alopecia areata", "smp", "eyebrows", "hair loss", "consultation"],
        procs: &["SMP", "scalp micropigmentation", "steroid injections", "SMP for patchy alopecia"],
        areas: &["patches", "crown", "eyebrows", "beard", "temples"],
        symptoms: &[
            "round bald patches", "hair loss that comes and goes", "complete hair loss",
            "white regrowth", "patches that keep moving",
        ],
        products: &["a steroid cream", "a wig", "a hairpiece", "a brow pencil"],
        price: (800, 3500),
        titles: &[
            "Can I have SMP with alopecia areata?",
            "What happens to SMP if my hair grows back?",
            "Is SMP a good option for alopecia universalis?",
            "Can you do SMP while my alopecia is still active?",
        ],
        questions: &[
            "I've had alopecia areata for {time} and I feel self-conscious about the {symptom}. Would SMP help?",
            "If my hair regrows after SMP, will it look odd?",
            "I've lost all my hair, including my {area}. Can SMP give me a shaved look?",
        ],
        answers: &[
            "SMP works on any healthy scalp skin, so it can suit people with alopecia.",
            "When the condition is active we usually suggest waiting until it has been stable for a while.",
            "If hair regrows over treated areas, most clients keep it short so it blends with the dots.",
            "For complete hair loss we design the hairline from scratch, using your face shape and age as a guide.",
            "It helps to keep your dermatologist involved, especially if you are having injections.",
        ],
        steps: &[
            "Tell your dermatologist you are considering SMP.",
            "Track your patches with photos for a few months.",
            "Book a patch test if your skin reacts easily.",
        ],
        headlines: &[
            "Alopecia and SMP: What to Expect",
            "Designing a Hairline From Scratch",
        ],
    },
    Topic {
        weight: 4.0,
        category: "Pigment & Touch-Ups",
        doctor: 1,
        tags: &[
            "corrective work", "laser removal", "pigment migration", "blue tint", "second opinion",
            "smp", "touch-up",
        ],
        procs: &["laser removal", "corrective SMP", "a correction session", "saline removal"],
        areas: &["hairline", "temples", "crown", "sides", "whole scalp"],
        symptoms: &[
            "dots that have spread", "a hairline that is too low", "a solid block of colour",
            "a blue tint", "pigment migration", "a harsh straight line",
        ],
        products: &[
            "a fading cream", "a saline solution", "a numbing cream", "a tattoo removal cream",
        ],
        price: (300, 2000),
        titles: &[
            "Can bad SMP be fixed?",
            "My hairline is too low: what are my options?",
            "Will laser removal leave a scar?",
            "Why do my dots look blurred?",
            "How many laser sessions to remove old SMP?",
        ],
        questions: &[
            "I had SMP at another clinic and now I have {symptom}. Can you correct it, or does it need removing first?",
            "The work on my {area} looks like a painted block rather than stubble. What would you do?",
            "How many laser sessions would it take to lighten pigment from {year}?",
        ],
        answers: &[
            "Many problems can be corrected by adding finer dots rather than removing anything.",
            "A hairline that sits too low usually needs laser lightening before it can be redesigned.",
            "Blurred dots are a sign of pigment migration, which happens when ink is placed too deep.",
            "Laser sessions are spaced six to eight weeks apart, and most people need {count}.",
            "Laser removal rarely scars in experienced hands, but the skin can lighten for a while.",
            "We only start corrective SMP once the lasered area has fully healed.",
        ],
        steps: &[
            "Gather photos of the original work and any notes from that clinic.",
            "Get a laser assessment before we plan any new pigment.",
            "Let the skin heal fully between laser sessions.",
        ],
        headlines: &[
            "Fixing SMP That Went Wrong",
            "Laser Removal Before Corrective Work",
        ],
    },
    Topic {
        weight: 5.0,
        category: "Scalp Micropigmentation",
        doctor: 0,
        tags: &["pain", "numbing cream", "sessions", "smp", "consultation", "healing"],
        procs: &["SMP", "the first session", "scalp micropigmentation", "a session on the crown"],
        areas: &["hairline", "crown", "temples", "scar", "sides"],
        symptoms: &[
            "a low pain threshold", "a headache afterwards", "sensitive skin near the temples",
            "a fear of needles",
        ],
        products: &["numbing cream", "paracetamol", "ibuprofen", "a cold pack"],
        price: (100, 600),
        titles: &[
            "Does scalp micropigmentation hurt?",
            "Can I use {product} before a session?",
            "Which areas hurt most during SMP?",
            "How long is each SMP session?",
        ],
        questions: &[
            "I have {symptom}. How painful is SMP really, and can I use {product}?",
            "How long will I be in the chair for {proc}, and can I bring headphones?",
        ],
        answers: &[
            "Most clients describe a scratchy, repetitive sensation rather than sharp pain.",
            "The temples and the skin near the ears are usually the most sensitive.",
            "A typical session lasts two to four hours, with short breaks whenever you need them.",
            "We can apply a topical numbing cream if you tell us in advance.",
            "Avoid ibuprofen and aspirin beforehand, since they can increase bleeding.",
            "Paracetamol is fine if you need something for a headache afterwards.",
        ],
        steps: &[
            "Eat a proper meal before your appointment.",
            "Avoid alcohol the night before.",
            "Bring headphones or a podcast for the longer sessions.",
        ],
        headlines: &[
            "What an SMP Session Feels Like",
            "Pain, Numbing and Comfort in the Chair",
        ],
    },
];

pub(super) const GENERIC_TITLES: &[&str] = &[
    "Is {brand} safe to use after {proc}?",
    "{proc} and {condition}: any risks?",
    "Should I worry about {symptom} after {proc}?",
    "Question about {proc} and my {area}",
    "Can I have {proc} if I have {condition}?",
    "Does {hobby} affect {proc}?",
    "{proc} before {event}: is there enough time?",
    "How long after {proc} can I go back to {hobby}?",
    "Will {proc} work on {skin} skin?",
    "Is {proc} safe with {condition}?",
    "Advice needed on {proc} at {age}",
    "Will working as {job} be a problem after {proc}?",
    "{person} noticed {symptom} on my {area}",
];

pub(super) const GENERIC_QUESTIONS: &[&str] = &[
    "Is it safe to use {brand} on my scalp after {proc}?",
    "Has anyone had problems with a pigment brand called {brand}?",
    "Does {proc} fade faster on {skin} skin?",
    "Would my {area} need more than {count}?",
    "Can I have {proc} if I have {condition}?",
    "Is it safe to go back to {hobby} {wait} after {proc}?",
    "Will {proc} be healed in time for {event}?",
    "What would you recommend for {symptom} on the {area}?",
    "Is {proc} a sensible choice at {age}, or should I wait?",
    "Would {proc} suit {skin} skin like mine?",
    "Should I be using {product} at this stage?",
    "How can I tell whether I should worry about {symptom}?",
];

pub(super) const GREETINGS: &[&str] = &[
    "Hi Doc,\n\n",
    "Hello,\n\n",
    "Hi there,\n\n",
    "Dear doctor,\n\n",
];

pub(super) const CONTEXTS: &[&str] = &[
    "I've been using a shampoo called {brand} for {time}.",
    "The clinic I went to used a pigment called {brand}.",
    "A pharmacist suggested a scalp serum called {brand}.",
    "I'm {age} and work as {job}.",
    "I had {proc} {time} ago at a clinic in {place}.",
    "{person} noticed {symptom} on my {area} last week.",
    "I've been losing hair since my early twenties.",
    "I have {event} in {time}.",
    "I do a lot of {hobby}, so I'm outside most weekends.",
    "I have {condition}, which has been under control for a while.",
    "I've read mixed things online and would like a straight answer.",
    "I've been using {product} for {time}.",
    "My skin is {skin}, if that makes a difference.",
    "I've been putting this off for {time}.",
    "I travelled from {place} for my consultation.",
];

/// Personal details readers add; drawn with a strong skew from the front,
/// so the later ones are the rare words of the corpus.
pub(super) const ASIDES: &[&str] = &[
    "My dad went bald in his thirties, so I suspect it runs in the family.",
    "I sweat heavily, even in winter.",
    "I cycle to work and wear a helmet every day.",
    "My job means wearing a hard hat most of the day.",
    "I've tried concealer sprays, but they run when it rains.",
    "My scalp burns easily, even on cloudy days.",
    "I work night shifts, so daytime appointments suit me better.",
    "I also have a small tattoo behind my left ear, if that matters.",
    "I've got a cowlick at the crown that makes the thinning look worse.",
    "My barber says my scalp is unusually oily.",
    "I used to bleach my hair a lot as a teenager.",
    "I'm fairly tanned most of the year because I work outdoors.",
    "I shave my head with a straight razor every morning.",
    "My twin brother still has a full head of hair, which doesn't help.",
    "I wear a turban most days for religious reasons.",
    "I wear a hijab, so only my hairline is ever visible.",
    "I'm slightly claustrophobic and get anxious in clinical settings.",
    "I hate how my scalp looks in flash photographs.",
    "I had chemotherapy a few years ago and my hair never fully recovered.",
    "I take isotretinoin for acne.",
    "I'm allergic to nickel and some adhesives.",
    "I get migraines now and then.",
    "I've had cold sores on my forehead in the past.",
    "I'm a competitive powerlifter.",
    "I'm emigrating next year and want this sorted before then.",
    "I perform on stage under bright lights several nights a week.",
    "My scalp is quite bumpy, with a ridge at the back.",
    "My partner thinks I'm overthinking it.",
    "I'm vegan and would like to know whether the pigments are animal-free.",
    "I sometimes wear a hairpiece for weddings and parties.",
    "A skiing accident as a teenager left a scar above my ear.",
    "I've been told I have a flat crown.",
    "I'm in the armed forces and wear a beret.",
    "I'm colour-blind, so I can't always judge shades myself.",
    "I have a pacemaker, which I mention in case it matters.",
    "I'm on a waiting list for knee surgery later this year.",
    "I'm due to become a father in the spring.",
    "My previous clinic has closed down, so I can't ask them.",
    "I use a CPAP mask at night for sleep apnoea.",
    "I'm Deaf, so email is the best way to reach me.",
];

pub(super) const FOLLOW_UPS: &[&str] = &[
    "Is that normal?",
    "Should I be worried?",
    "Thanks in advance.",
    "Any advice would be appreciated.",
    "Would {count} be enough?",
    "What would you suggest?",
    "I'd rather get it right the first time.",
    "Is there anything I should avoid in the meantime?",
];

pub(super) const OPENERS: &[&str] = &[
    "Thanks for the question.",
    "Thanks for getting in touch.",
    "Good question, and one we hear often.",
    "This is very common, so you are not alone.",
    "It depends on a few things, but here is how we usually approach it.",
    "Thanks for the detail, it really helps.",
    "Thank you for writing in.",
    "It is hard to be certain without seeing your {area}, but we can give you a general picture.",
];

pub(super) const ARTICLE_OPENERS: &[&str] = &[
    "Every month we get dozens of messages about this, so here is a fuller answer.",
    "This post collects the advice we give most often in consultations.",
    "Case studies help set realistic expectations, so a client from {place} agreed to let us share theirs.",
    "We put this guide together after a run of questions from readers.",
    "Here is an overview of {proc} for anyone weighing it up.",
];

pub(super) const GENERIC_ANSWERS: &[&str] = &[
    "We haven't used {brand} ourselves, so check the ingredients with a pharmacist before it goes on healing skin.",
    "Products such as {brand} are fine once the skin has healed, but not before.",
    "Healing is rarely perfectly even, so small differences between areas in the first fortnight are nothing to worry about.",
    "We keep notes and photos from every session, which makes later adjustments much easier.",
    "Sessions are deliberately conservative; it is easy to add pigment and much harder to take it away.",
    "If you take any prescription medicine, bring its name and dose to your appointment.",
    "We never rush anyone into booking, and there is a cooling-off period built into our process.",
    "A hairline should suit the age you will be in twenty years, not only how you look today.",
    "Stress and poor sleep can make shedding worse, so it is worth looking after both.",
    "Phone cameras exaggerate contrast, so results often look better in person than in photos.",
    "A second opinion from an independent dermatologist is always welcome here.",
    "Everyone heals at a slightly different pace, and smokers tend to heal more slowly.",
    "For most people the routine becomes second nature within a month.",
    "We would rather under-promise and then exceed expectations.",
    "Every scalp is different, so we always assess skin type, hair loss pattern and lifestyle first.",
    "If you have {condition}, we would want a note from your doctor before going ahead.",
    "For {skin} skin we adjust both the pigment shade and the needle depth.",
    "If you have {event} coming up, plan to finish your last session at least {wait2} before it.",
    "Photos taken in natural daylight are far more useful to us than ones taken under bathroom lights.",
    "Most clients see the full result about a month after the final session.",
    "Results vary, and anyone who promises a perfect outcome before meeting you deserves some caution.",
    "Work of this kind typically starts at around {price}.",
    "In our experience about {pct} percent of clients need a small adjustment after the first round.",
    "Returning to {hobby} too soon is one of the most common reasons for patchy healing.",
    "A patch test a week beforehand is a sensible precaution if you react to cosmetics.",
    "We have treated plenty of clients who work as {job}, and the routine is manageable.",
    "Please send us photos if anything looks unusual.",
];

pub(super) const CLOSERS: &[&str] = &[
    "Do come back to us with any follow-up questions.",
    "Take care, and don't hesitate to call the clinic.",
    "Feel free to book a free consultation if you would like us to take a look.",
    "Send us a few photos and we will give you a more specific answer.",
    "I hope that helps, and good luck.",
    "If anything changes, get in touch with the clinic.",
    "Best of luck with it.",
    "We are happy to talk this through in person.",
    "Let us know how you get on.",
];

pub(super) const LIST_INTROS: &[&str] = &[
    "Here is what we recommend:",
    "A few practical steps:",
    "In order, this is what I would do:",
    "Our usual advice looks like this:",
];

pub(super) const GENERIC_STEPS: &[&str] = &[
    "Stop using {brand2} or any other scalp product a week before your session.",
    "Write down any medicines and supplements you take, with doses.",
    "Send us photos of your {area2} taken in daylight.",
    "Avoid {hobby} for at least {wait2}.",
    "Use {product2} only if we have agreed it.",
    "Book a follow-up {gap2} after your last session.",
    "Photograph the {area} once a week in the same light.",
];

pub(super) const GENERIC_HEADLINES: &[&str] = &[
    "Reader Questions Round-Up: {month} {year}",
    "Clinic News for {month} {year}",
    "Case Study: A Client From {place}",
    "Myths We Hear Every Week",
    "Your Most Common Questions, Answered",
    "Case Study: Rebuilding a Hairline at {age}",
];

/// Syllables for invented brand names; see `push_brand`.
#[rustfmt::skip]
pub(super) const BRAND_HEADS: &[&str] = &[
    "Derm", "Foll", "Scal", "Tric", "Cap", "Ker", "Vel", "Nor", "Lum", "Pil", "Hydr", "Ser", "Aur",
    "Zen", "Cor", "Mel", "Pigm", "Tint", "Grav", "Ost", "Bel", "Cal", "Dun", "Fer", "Hal", "Jov",
    "Kal", "Mir", "Nov", "Pell", "Quor", "Rov", "Sol", "Tov", "Vant", "Wyl",
];

#[rustfmt::skip]
pub(super) const BRAND_LINKS: &[&str] = &[
    "a", "i", "o", "e", "u", "y", "ae", "io", "ara", "ene", "ino",
];

#[rustfmt::skip]
pub(super) const BRAND_TAILS: &[&str] = &[
    "vex", "line", "ra", "x", "m", "lle", "n", "rd", "que", "ne", "va", "x", "s", "nt", "dra", "l",
    "sol", "tin", "gen", "lix", "pro", "med", "cure", "sana",
];

// Pools below are ordered from common to rare; skewed draws keep the tail
// rare, which is what gives the corpus its long tail of terms.

#[rustfmt::skip]
pub(super) const WAITS: &[&str] = &[
    "a week", "two weeks", "ten days", "five days", "72 hours", "a fortnight", "three weeks",
    "four days", "a month",
];

#[rustfmt::skip]
pub(super) const GAPS: &[&str] = &[
    "two to three weeks", "three weeks", "a month", "two weeks", "four weeks", "four to six weeks",
    "ten days",
];

#[rustfmt::skip]
pub(super) const TIMES: &[&str] = &[
    "two weeks", "a week", "three months", "six months", "a year", "a couple of weeks", "ten days",
    "48 hours", "four weeks", "two years", "18 months", "five years", "72 hours", "eight weeks",
    "three years", "a fortnight", "nine months", "seven years",
];

#[rustfmt::skip]
pub(super) const SESSIONS: &[&str] = &[
    "three sessions", "two sessions", "two to three sessions", "a single session", "four sessions",
    "three visits", "five short sessions",
];

#[rustfmt::skip]
pub(super) const PERSONS: &[&str] = &[
    "my barber", "my wife", "my partner", "my GP", "a friend", "my brother", "my dermatologist",
    "my girlfriend", "my husband", "my dad", "a colleague", "my hairdresser", "my mum",
    "my boyfriend", "my sister", "my tattoo artist", "a nurse I know", "my personal trainer",
    "my flatmate", "my surgeon",
];

#[rustfmt::skip]
pub(super) const JOBS: &[&str] = &[
    "a teacher", "a nurse", "a police officer", "a chef", "a plumber", "a software developer",
    "a personal trainer", "a firefighter", "a lifeguard", "a roofer", "a bus driver",
    "an accountant", "an electrician", "a paramedic", "a soldier", "a pilot", "an estate agent",
    "a photographer", "a bricklayer", "a gardener", "a landscaper", "a welder", "a dentist",
    "a barista", "a sales rep", "a professional footballer", "a cycle courier", "a farmer",
    "a scaffolder", "an actor", "a wedding DJ", "a lorry driver", "an offshore engineer",
    "a carpenter", "a swimming coach", "a door supervisor", "a tree surgeon", "a lab technician",
    "a postman", "a stage performer", "a fisherman", "a film extra", "a kitchen fitter",
    "a security guard", "a data analyst", "a tennis coach", "a hospital porter", "a musician",
    "a window cleaner", "a mechanic",
];

#[rustfmt::skip]
pub(super) const HOBBIES: &[&str] = &[
    "swimming", "cycling", "boxing", "surfing", "rugby", "hot yoga", "saunas", "running", "hiking",
    "football", "jiu-jitsu", "rock climbing", "skiing", "golf", "triathlons", "sea fishing",
    "motorcycling", "weightlifting", "paddleboarding", "squash", "cricket", "diving", "gardening",
    "sailing", "martial arts", "tennis", "kayaking", "crossfit", "snowboarding", "wild camping",
    "sunbathing", "spin classes", "rowing", "water polo", "mountain biking", "hill walking",
    "salsa classes", "hockey", "bouldering", "open-water swimming",
];

#[rustfmt::skip]
pub(super) const EVENTS: &[&str] = &[
    "a wedding", "a holiday in Spain", "a job interview", "a family wedding", "a beach holiday",
    "a 40th birthday party", "a family reunion", "a work conference", "a photo shoot",
    "a stag weekend", "a graduation ceremony", "a cruise", "a trip to Thailand",
    "a best friend's wedding", "a Christmas party", "a music festival", "a honeymoon",
    "a skiing trip", "a charity run", "a new job", "a christening", "a school reunion",
    "a surf trip to Portugal", "a best-man speech", "a month in Dubai",
];

#[rustfmt::skip]
pub(super) const PLACES: &[&str] = &[
    "Manchester", "Leeds", "Dublin", "Glasgow", "Bristol", "Birmingham", "Cardiff", "Toronto",
    "Sydney", "Istanbul", "Belfast", "Newcastle", "Liverpool", "Edinburgh", "Brighton",
    "Nottingham", "Sheffield", "Leicester", "Aberdeen", "Swansea", "Plymouth", "Norwich", "Cork",
    "Galway", "Auckland", "Vancouver", "Houston", "Melbourne", "Perth", "Oslo", "Amsterdam",
    "Lisbon", "Madrid", "Warsaw", "Bucharest", "Budapest", "Antalya", "Bangkok", "Mexico City",
];

#[rustfmt::skip]
pub(super) const CONDITIONS: &[&str] = &[
    "seborrheic dermatitis", "psoriasis", "eczema", "dandruff", "a mole on the crown", "a cowlick",
    "very oily skin", "rosacea", "vitiligo", "keloid-prone skin", "a birthmark", "folliculitis",
    "sensitive skin", "lichen planopilaris", "a thyroid problem", "diabetes",
    "a bleeding disorder", "frontal fibrosing alopecia", "scalp acne",
    "a metal plate from an old injury", "a port-wine stain", "telogen effluvium",
    "trichotillomania", "a dent in the skull", "sun damage", "freckles", "ingrown hairs",
    "a lumpy scalp", "anaemia", "an old burn scar",
];

#[rustfmt::skip]
pub(super) const SKIN_TONES: &[&str] = &[
    "fair", "medium", "olive", "light brown", "dark brown", "very pale", "deep", "freckled",
    "ruddy", "tanned",
];

#[rustfmt::skip]
pub(super) const ADJECTIVES: &[&str] = &[
    "natural", "soft", "realistic", "subtle", "sharp", "crisp", "dense", "even", "believable",
    "understated", "youthful", "mature",
];

pub(super) const DECADES: &[&str] = &["twenties", "thirties", "forties", "fifties", "sixties"];

#[rustfmt::skip]
pub(super) const MONTHS: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
];

#[rustfmt::skip]
pub(super) const FIRST_NAMES: &[&str] = &[
    "James", "Daniel", "Marcus", "Tom", "Chris", "Ryan", "Liam", "Mike", "Sam", "Jordan", "Ben",
    "Sarah", "Aisha", "Paul", "Kev", "Dave", "Jason", "Mo", "Connor", "Alex", "Nathan", "Lee",
    "Priya", "Emma", "Craig", "Jamal", "Rob", "Steve", "Andy", "Luke", "Gareth", "Tariq", "Keisha",
    "Simon", "Matt", "Neil", "Olu", "Karim", "Sophie", "Dean", "Callum", "Hamza", "Jess", "Ricky",
    "Wes", "Femi", "Ross", "Declan", "Ciaran", "Anil", "Joe", "Nadia", "Stuart", "Kwame", "Vikram",
    "Ollie", "Rhys", "Fraser", "Imran", "Grace", "Tendai", "Mateusz", "Lukas", "Zoë", "José",
    "Ahmed", "Reece", "Shaun", "Dominic", "Yusuf", "Leon",
];

// ---------------------------------------------------------------------------
