// Opens kbql's playground in headless Chromium with every host but the
// test server unreachable, runs two of its example tabs (a search as a
// visitor, the pending questions as staff through the token field) and
// checks what the page shows. Prints one JSON report on stdout.
//
// node playground.mjs <server-origin> <staff-token> <expected-search-title>
//   <expected-pending-title> [screenshot.png]
import { chromium } from "playwright-core";

const [origin, staffToken, searchTitle, pendingTitle, screenshot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const host = new URL(origin).hostname;

const report = { offsite: [], failed: [], consoleErrors: [], steps: [] };
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    // No name resolves but the server's, so nothing could load from the
    // internet even if the page asked.
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${host}`,
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin !== origin && url.protocol !== "data:") {
      report.offsite.push(request.url());
    }
  });
  page.on("requestfailed", (request) => report.failed.push(request.url()));
  page.on("response", async (response) => {
    if (response.status() >= 400) {
      const body = await response.text().catch(() => "");
      report.refused = (report.refused || []).concat([`${response.status()} ${response.url()} ${body.slice(0, 300)}`]);
    }
  });
  page.on("console", (message) => {
    if (message.type() === "error") report.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => report.consoleErrors.push(String(error)));

  await page.goto(`${origin}/graphql`, { waitUntil: "load" });
  await page.locator(".graphiql-container").waitFor({ timeout: 20000 });
  report.tabs = await page.locator(".graphiql-tab").allInnerTexts();

  const result = page.locator(".result-window");
  async function run(tab, expected) {
    await page.locator(".graphiql-tab", { hasText: tab }).first().click();
    await page.locator(".graphiql-query-editor", { hasText: tab }).first().waitFor();
    await page.locator(".graphiql-execute-button").click();
    await result.getByText(expected).first().waitFor({ timeout: 20000 });
    report.steps.push({ tab, shown: true });
  }

  await run("Search", searchTitle);
  await page.locator("#kbql-token").fill(staffToken);
  await run("PendingQuestions", pendingTitle);
  report.tokenState = await page.locator("#kbql-token-state").innerText();

  // Live: a question asked while the subscription tab runs shows up in it.
  await page.locator(".graphiql-tab", { hasText: "QuestionAsked" }).first().click();
  await page.locator(".graphiql-query-editor", { hasText: "QuestionAsked" }).first().waitFor();
  await page.locator(".graphiql-execute-button").click();
  const deadline = Date.now() + 20000;
  for (let n = 0; ; n++) {
    await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${staffToken}` },
      body: JSON.stringify({
        query: "mutation($q: String!) { askQuestion(input: {question: $q}) { userErrors { code } } }",
        variables: { q: `Asked while staff watched (${n}): does it itch?` },
      }),
    });
    try {
      await result.getByText("Asked while staff watched").first().waitFor({ timeout: 500 });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
  report.steps.push({ tab: "QuestionAsked", shown: true });
  await page.locator(".graphiql-execute-button").click();

  // The search tab again, for the README's picture.
  await run("Search", searchTitle);
  if (screenshot) {
    await page.screenshot({ path: screenshot });
  }
  report.ok = true;
} catch (error) {
  report.ok = false;
  report.error = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
