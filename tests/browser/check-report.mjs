// Opens an HTML report in headless Chromium and fails if the page logs a
// console error, throws, or asks for anything over the network (the report
// must be self-contained). Optionally saves a screenshot.
//
// usage: node check-report.mjs REPORT.html [SCREENSHOT.png]
// env:   CHROMIUM (path to the browser), PLAYWRIGHT_CORE (module path)
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

const [report, screenshot] = process.argv.slice(2);
if (!report) {
  console.error("usage: node check-report.mjs REPORT.html [SCREENSHOT.png]");
  process.exit(2);
}
const url = pathToFileURL(path.resolve(report)).href;
const problems = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("request", (r) => { if (r.url() !== url && !r.url().startsWith("data:")) problems.push(`network request: ${r.url()}`); });
page.on("dialog", (d) => { problems.push(`dialog opened (script ran): ${d.message()}`); d.dismiss(); });

await page.goto(url, { waitUntil: "load" });
const counts = await page.evaluate(() => ({
  scripts: document.querySelectorAll("script").length,
  svgs: document.querySelectorAll("svg").length,
  evidence: document.querySelectorAll("details[id^=ev-]").length,
  cells: document.querySelectorAll("svg a rect").length,
}));
if (counts.scripts > 0) problems.push(`the page holds ${counts.scripts} script elements`);
if (counts.svgs < 2) problems.push(`expected the heatmap and the bar chart, found ${counts.svgs} SVG images`);

// Every heatmap cell with hits links to evidence that exists on the page.
const broken = await page.evaluate(() =>
  [...document.querySelectorAll("svg a")].map((a) => a.getAttribute("href"))
    .filter((h) => !document.getElementById(h.slice(1))));
if (broken.length) problems.push(`links to missing evidence: ${broken.slice(0, 5).join(", ")}`);

if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
await browser.close();

console.log(`report ${report}: ${counts.svgs} charts, ${counts.cells} linked heatmap cells, ${counts.evidence} evidence blocks`);
if (problems.length) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
console.log("ok: no console errors, no script ran, nothing fetched");
