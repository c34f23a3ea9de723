// The queue page in headless Chromium: open the queue, filter it, open a commit, take it with
// the keyboard, see the state and the reviewer's name, drop another with a reason, export the
// tree's queue. A commit message holding <script> must show as text and never run.
// Usage: node queue.mjs URL TOKEN [SCREENSHOT_DIR]  (PLAYWRIGHT_CORE: playwright-core's index.mjs)
const { chromium } = await import(process.env.PLAYWRIGHT_CORE);
const [url, token, shots] = process.argv.slice(2);
const fail = (why) => { console.error("FAIL: " + why); process.exit(1); };

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  // Root in a container has no sandbox; nothing may leave loopback.
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
});
try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 720 } });
  await context.addInitScript((t) => localStorage.setItem("stablepick-token", t), token);
  const page = await context.newPage();
  const alerts = [];
  page.on("dialog", async (d) => {
    if (d.type() === "prompt") await d.accept("not a fix for this tree");
    else { alerts.push(d.message()); await d.dismiss(); }
  });
  const rows = () => page.locator("#queue tr.row");

  await page.goto(url);
  await page.waitForSelector("#queue tr.row");
  if (await rows().count() !== 3) fail("three candidates expected, got " + await rows().count());
  if (!(await page.textContent("#who")).includes("greg")) fail("not signed in as greg");
  if (shots) await page.screenshot({ path: shots + "/server-queue.png" });

  // Filter by text, then clear the filter.
  await page.fill("input[name=q]", "leak");
  await page.click("form.filters button");
  await page.waitForFunction(() => document.querySelectorAll("#queue tr.row").length === 1);
  if (!(await rows().first().textContent()).includes("leak")) fail("the filter kept the wrong row");
  await page.fill("input[name=q]", "");
  await page.click("form.filters button");
  await page.waitForFunction(() => document.querySelectorAll("#queue tr.row").length === 3);

  // Open the commit whose message holds markup: it shows as text, and nothing ran.
  const markup = await rows().filter({ hasText: "mm: fix the markup" }).getAttribute("data-commit");
  await page.goto(url + "commit/" + markup);
  await page.waitForSelector("h2");
  if (!(await page.textContent("h2")).includes("<script>")) fail("the subject's markup is not shown as text");
  if (await page.locator("main script").count() !== 0) fail("markup from the store became an element");
  if (shots) await page.screenshot({ path: shots + "/server-commit.png" });

  // Take it with the keyboard: t. The state and the reviewer show.
  await page.keyboard.press("t");
  await page.waitForFunction(() => document.querySelector("section .state")?.textContent === "queued");
  const history = await page.textContent("section table");
  if (!history.includes("greg")) fail("the history does not name the reviewer: " + history);

  // Back to the queue (Escape), to the next row (j), drop it (d) with a reason.
  await page.keyboard.press("Escape");
  await page.waitForSelector("#queue tr.row");
  const first = await rows().nth(0).getAttribute("data-commit");
  const target = first === markup ? 1 : 0;
  for (let i = 0; i < target; ++i) await page.keyboard.press("j");
  const dropped = await rows().nth(target).getAttribute("data-commit");
  await page.keyboard.press("d");
  await page.waitForFunction((c) => {
    const r = document.querySelector(`#queue tr.row[data-commit="${c}"] .state`);
    return r && r.textContent === "dropped";
  }, dropped);

  // Export the tree's queue: the cherry-pick script, with the commit taken.
  await page.goto(url + "?tree=v1-stable");
  await page.waitForSelector("#export");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
  const stream = await download.createReadStream();
  let script = "";
  for await (const chunk of stream) script += chunk;
  if (!script.includes("git cherry-pick -x") || !script.includes(markup)) fail("the export lacks the taken commit:\n" + script);
  if (download.suggestedFilename() !== "queue-1.sh" && !download.suggestedFilename().endsWith(".sh"))
    fail("export named " + download.suggestedFilename());

  if (alerts.length) fail("an alert ran: " + alerts.join(", "));
  console.log("browser: queue, filter, commit, take (t), drop (d), export: ok");
} finally {
  await browser.close();
}
