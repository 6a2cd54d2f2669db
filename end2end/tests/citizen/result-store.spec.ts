import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  BIRTH_CERT,
  DECLARATION,
  expectAccessible,
  register,
  samplePdf,
  screenshot,
  signIn,
  submitBirth,
} from "../helpers";

const PASSWORD = "canbo2026";
const RECEPTION = { cccd: "045185000101", password: PASSWORD };
const VP_LEADER = { cccd: "045185000103", password: PASSWORD };
const SPECIALIST = { cccd: "045085000102", password: PASSWORD };
const HEAD = { cccd: "045080000104", password: PASSWORD };

/** An officer signed in, in a desktop browser of their own. */
async function officer(browser: Browser, baseURL: string, who: { cccd: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await signIn(page, who);
  return page;
}

/** Posts one of the desk's forms as the officer's browser does; it must be carried out. */
async function act(page: Page, baseURL: string, path: string, code: string, fields: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>) {
  const headers = { Referer: `${baseURL}/mot-cua/ho-so/${code}`, Accept: "text/html" };
  const multipart = Object.values(fields).some((v) => typeof v !== "string");
  const res = multipart
    ? await page.request.post(path, { multipart: { code, ...fields }, headers, maxRedirects: 0 })
    : await page.request.post(path, { form: { code, ...(fields as Record<string, string>) }, headers, maxRedirects: 0 });
  expect(res.status(), path).toBe(302);
  expect(res.headers()["location"], path).not.toContain("__err");
}

/** The desk, the unit and the agency leader handle the dossier to its signed result, and the
 *  desk hands it over (the officers' screens are the handling spec's; here they only act). */
async function handToResult(browser: Browser, baseURL: string, code: string) {
  const desk = await officer(browser, baseURL, RECEPTION);
  await act(desk, baseURL, "/api/desk/accept", code, {});
  await act(desk, baseURL, "/api/desk/transfer", code, {});
  const leader = await officer(browser, baseURL, VP_LEADER);
  await leader.goto(`/mot-cua/ho-so/${code}`);
  const minh = await leader.locator("select[name=specialist] option", { hasText: "Phan Văn Minh" }).getAttribute("value");
  await act(leader, baseURL, "/api/desk/assign", code, { specialist: minh! });
  const specialist = await officer(browser, baseURL, SPECIALIST);
  await act(specialist, baseURL, "/api/desk/appraise", code, {
    note: "Hồ sơ đầy đủ, giấy chứng sinh hợp lệ; đủ điều kiện đăng ký khai sinh.",
    proposal: "result",
    file_0: { name: "du-thao-trich-luc.pdf", mimeType: "application/pdf", buffer: samplePdf },
  });
  await act(leader, baseURL, "/api/desk/decide", code, { decision: "approve" });
  const head = await officer(browser, baseURL, HEAD);
  await act(head, baseURL, "/api/desk/decide", code, { decision: "approve" });
  await act(desk, baseURL, "/api/desk/deliver", code, { delivery: "counter" });
  for (const p of [desk, leader, specialist, head]) await p.context().close();
}

// Issue 14 on a phone, with and without JavaScript: the citizen collects the signed result and
// verifies it at the address its QR code holds; finds it, and the files they gave, in their
// personal data store; keeps a document there; submits a second dossier that takes every
// component from the store, its form prefilled; the officer sees where each file came from;
// the citizen rates the first dossier and the agency's leader answers.
test("a result collected and verified, the store reused for a second dossier, the service rated and answered", async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(240_000);
  await page.goto("/dang-ky?next=/thu-tuc/1.001193/nop");
  const cccd = await register(page, "Lưu Thị Kho");
  const code = await submitBirth(page, cccd);
  await handToResult(browser, baseURL!, code);

  // The result on the dossier's page: its number, the signed PDF, the verification page.
  await page.goto(`/ho-so/${code}`);
  const result = page.getByTestId("result").first();
  await expect(result).toContainText(/\d{6}\/\d{4}\/KQ/);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "store-01-result-on-dossier");
  const verify = await result.getByTestId("result-verify").getAttribute("href");
  expect(verify).toMatch(/^\/xac-thuc\/[0-9a-z]{26}$/);
  const pdf = await page.request.get(`${verify}/tai-ve`);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  await page.goto(verify!);
  await expect(page.getByTestId("result-verdict")).toContainText("Kết quả hợp lệ");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "store-02-verified");

  // The store: the result and the two files of the dossier; a document kept there too.
  await page.goto("/ho-so");
  await page.getByTestId("store-link").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kho dữ liệu của tôi");
  const docs = page.getByTestId("store-document");
  await expect(docs).toHaveCount(3);
  await expect(page.getByTestId("store-documents")).toContainText(code);
  await expect(page.getByTestId("store-documents")).toContainText("Kết quả số");
  // A file that is not a document is a message at its field; nothing kept.
  await page.getByLabel("Tên giấy tờ").fill("Căn cước công dân của mẹ");
  await page.getByLabel("Tệp", { exact: true }).setInputFiles({ name: "cccd.exe", mimeType: "application/octet-stream", buffer: Buffer.from("MZ not a document at all") });
  await page.getByRole("button", { name: "Tải lên kho" }).click();
  await expect(page.locator(".field-invalid")).toContainText("Tệp");
  await expect(docs).toHaveCount(3);
  await page.getByLabel("Tên giấy tờ").fill("Căn cước công dân của mẹ");
  await page.getByLabel("Tệp", { exact: true }).setInputFiles({ name: "cccd.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Tải lên kho" }).click();
  await expect(page.getByTestId("store-saved")).toBeVisible();
  await expect(docs).toHaveCount(4);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "store-03-store");

  // A second dossier: prefilled, each component taken from the store.
  await page.goto("/thu-tuc/1.001193/nop");
  await expect(page.getByTestId("prefilled")).toBeVisible();
  await expect(page.getByLabel("Họ, chữ đệm và tên của trẻ")).toHaveValue("Hoàng Minh Khôi");
  // Each component's choice sits beside its file input (`reuse_<id>` for `file_<id>`).
  const reuse = async (component: string) => {
    const id = (await page.getByLabel(component).getAttribute("id"))!.replace("file_", "reuse_");
    return page.locator(`#${id}`);
  };
  const declaration = await reuse(DECLARATION);
  const fromDossier = await declaration.locator("option", { hasText: `${DECLARATION} · ${code}` }).getAttribute("value");
  await declaration.selectOption(fromDossier!);
  const birthCert = await reuse(BIRTH_CERT);
  const upload = await birthCert.locator("option", { hasText: "Căn cước công dân của mẹ" }).getAttribute("value");
  await birthCert.selectOption(upload!);
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "store-04-reuse-form");
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const second = (await page.getByTestId("dossier-code").textContent())!.trim();
  expect(second).not.toBe(code);
  await page.goto(`/ho-so/${second}`);
  await expect(page.locator("body")).toContainText(DECLARATION);
  await expect(page.locator("body")).toContainText(BIRTH_CERT);

  // The desk sees which files were reused, and from where.
  const desk = await officer(browser, baseURL!, RECEPTION);
  await desk.goto(`/mot-cua/ho-so/${second}`);
  await expect(desk.getByTestId("file-reused")).toHaveCount(2);
  await expect(desk.getByTestId("file-reused").first()).toContainText("lấy từ kho dữ liệu");
  await expectAccessible(desk, testInfo);
  await screenshot(desk, testInfo, "store-05-desk-sees-reuse");
  await desk.context().close();

  // The first dossier rated, not satisfied on time, with a comment: the leader owes an answer.
  await page.goto(`/ho-so/${code}`);
  const form = page.getByTestId("rating-form");
  await form.getByRole("group", { name: "Đánh giá chung về dịch vụ" }).getByLabel("Hài lòng", { exact: true }).check();
  await form.getByLabel("Góp ý thêm (không bắt buộc)").fill("Nên gửi tin nhắn khi có kết quả sớm hơn");
  await form.getByRole("button", { name: "Gửi đánh giá" }).click();
  await expect(page.getByTestId("rating-given")).toContainText("Nên gửi tin nhắn khi có kết quả sớm hơn");
  await expect(page.locator("#danh-gia")).toContainText("cơ quan sẽ trả lời trước");

  const head = await officer(browser, baseURL!, HEAD);
  await head.goto("/mot-cua?tab=answer");
  await head.getByRole("link", { name: code }).click();
  await expect(head.locator("details.answer-rating")).toContainText("Trả lời trước");
  await expect(head.locator("details.answer-rating")).not.toContainText("1970");
  await head.getByLabel("Nội dung trả lời công dân").fill("Cơ quan ghi nhận và sẽ nhắn tin ngay khi có kết quả. Cảm ơn ông/bà.");
  await expectAccessible(head, testInfo);
  await screenshot(head, testInfo, "store-06-leader-answers");
  await head.getByRole("button", { name: "Gửi trả lời" }).click();
  await expect(head.locator("details.answer-rating")).toHaveCount(0);
  await head.context().close();

  await page.goto(`/ho-so/${code}`);
  await expect(page.getByTestId("rating-answer")).toContainText("Cơ quan ghi nhận và sẽ nhắn tin ngay khi có kết quả");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "store-07-answer-read");

  // The public ratings page with the QĐ 766 indicators.
  await page.goto("/danh-gia");
  await expect(page.getByTestId("index-766")).toContainText("Ủy ban nhân dân phường Đông Hà");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "store-08-index");
});
