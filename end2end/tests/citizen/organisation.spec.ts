import { expect, test } from "@playwright/test";
import { BIRTH_CERT, DECLARATION, expectAccessible, fillBirthForm, register, samplePdf, screenshot } from "../helpers";

test("a representative opens the organisation's account, then submits for another person under an authorisation", async ({ page }, testInfo) => {
  await page.goto("/dang-ky?next=/to-chuc");
  await register(page, "Lê Văn Hải");
  await expect(page).toHaveURL(/\/to-chuc$/);
  await expect(page.getByRole("heading", { level: 1, name: "Tổ chức, doanh nghiệp" })).toBeVisible();
  await expect(page.getByTestId("no-organisation")).toBeVisible();

  // A tax code with a wrong check digit is explained at the field; what was typed stays.
  await page.getByLabel("Mã số thuế").fill("0100109107");
  await page.getByLabel("Tên tổ chức").fill("Công ty TNHH Hải Đăng");
  await page.getByLabel("Loại hình").selectOption({ label: "Doanh nghiệp, hợp tác xã" });
  await page.getByLabel("Địa chỉ trụ sở").fill("12 Lê Duẩn, phường Đông Hà");
  await page.getByRole("button", { name: "Tạo tài khoản tổ chức" }).click();
  await expect(page.locator("#tax_code-error")).toContainText("chữ số kiểm tra");
  await expect(page.getByLabel("Tên tổ chức")).toHaveValue("Công ty TNHH Hải Đăng");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "org-01-tax-code-wrong");

  // A unique, valid tax code per run: nine digits and their check digit.
  const tax = taxCode();
  await page.getByLabel("Mã số thuế").fill(tax);
  await page.getByLabel("Loại hình").selectOption({ label: "Doanh nghiệp, hợp tác xã" });
  await page.getByRole("button", { name: "Tạo tài khoản tổ chức" }).click();
  await expect(page.getByTestId("org-done")).toBeVisible();
  const card = page.getByTestId("organisation");
  await expect(card.getByTestId("tax-code")).toHaveText(tax);
  await expect(card.getByTestId("members")).toContainText("Lê Văn Hải — người đại diện theo pháp luật");

  // Someone without an account cannot be named to act for it.
  await card.getByLabel("Số định danh của người được thực hiện thủ tục").fill("045090999999");
  await card.getByRole("button", { name: "Thêm người" }).click();
  await expect(page.locator("#cccd-error")).toContainText("chưa có tài khoản");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "org-02-organisation");

  // A grandparent registers a birth for the child's mother, under her authorisation.
  await page.goto("/thu-tuc/1.001193/nop");
  const forWhom = page.getByTestId("applied-for");
  await expect(forWhom.getByLabel("Bản thân tôi")).toBeChecked();
  await expect(forWhom.getByText(`Công ty TNHH Hải Đăng (MST ${tax})`)).toBeVisible();
  await forWhom.getByLabel("Người khác, theo văn bản ủy quyền").check();
  await forWhom.getByLabel("Họ và tên người ủy quyền").fill("Trần Thị Ngọc");
  await forWhom.getByLabel("Số định danh của người ủy quyền").fill("045196004455");
  await fillBirthForm(page, "045196004455");
  await page.getByLabel(DECLARATION).setInputFiles({ name: "to-khai.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByLabel(BIRTH_CERT).setInputFiles({ name: "giay-chung-sinh.pdf", mimeType: "application/pdf", buffer: samplePdf });
  // Without the authorisation the dossier is not submitted, and the form says why.
  // The procedure lists the authorisation among its documents: the choice says to attach it there.
  await expect(forWhom.getByTestId("authorisation-listed")).toContainText(AUTHORISATION);
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  await expect(page.locator(".file-field", { hasText: AUTHORISATION }).locator(".field-error")).toContainText("văn bản ủy quyền");
  await expect(page.getByTestId("applied-for").getByLabel("Họ và tên người ủy quyền")).toHaveValue("Trần Thị Ngọc");
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "org-03-authorisation-missing");
  await page.getByLabel(AUTHORISATION).setInputFiles({ name: "uy-quyen.pdf", mimeType: "application/pdf", buffer: samplePdf });
  await page.getByRole("button", { name: "Nộp hồ sơ" }).click();
  const code = (await page.getByTestId("dossier-code").textContent())!.trim();

  await page.goto(`/ho-so/${code}`);
  await expect(page.getByTestId("applied-for")).toContainText("Trần Thị Ngọc — theo văn bản ủy quyền");
  await expect(page.getByTestId("applied-for").getByRole("link", { name: "uy-quyen.pdf" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await screenshot(page, testInfo, "org-04-dossier");
});

const AUTHORISATION = "Văn bản ủy quyền có chứng thực (trường hợp ủy quyền đăng ký khai sinh)";

/** A valid tax code no other run used: nine random digits and the check digit of TT 105/2020. */
function taxCode(): string {
  const weights = [31, 29, 23, 19, 17, 13, 7, 5, 3];
  for (;;) {
    const nine = Array.from({ length: 9 }, (_, i) => (i === 0 ? 0 : Math.floor(Math.random() * 10)));
    const sum = nine.reduce((s, d, i) => s + d * weights[i], 0);
    const check = 10 - (sum % 11);
    if (check < 10) return nine.join("") + String(check);
  }
}
