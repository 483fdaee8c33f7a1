import { smsNumber, telHref } from '../kernel/phone.js'
import { printable } from './printable-text.js'
import type { SignboardData } from './signboard-data.js'

/**
 * The page a signboard's QR code opens on a phone: the zone's owners with call buttons, and a
 * button that sends the citizen's GPS position to the chief by SMS. Self-contained HTML (no
 * scripts or styles from elsewhere), Simplified Chinese.
 */
const escapeHtml = (text: string) =>
  printable(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)


/** A call button dialling exactly the number (extension after a pause); a phone that does not parse is text only. */
function phoneHtml(phone: string | null): string {
  if (!phone) return '<span class="none">未登记电话</span>'
  const href = telHref(phone)
  return href ? `<a class="call" data-testid="call" href="${escapeHtml(href)}">${escapeHtml(phone)}</a>` : `<span class="phone" data-testid="phone-text">${escapeHtml(phone)}</span>`
}

function contactRow(name: string, detail: string | null, phone: string | null, swatch?: string): string {
  return `<li class="contact">
  <div class="who">${swatch ? `<span class="swatch" style="background:${escapeHtml(swatch)}"></span>` : ''}<strong>${escapeHtml(name)}</strong>${
    detail ? `<small>${escapeHtml(detail)}</small>` : ''
  }</div>
  ${phoneHtml(phone)}
</li>`
}

/**
 * The page's one script, the same bytes on every page: what differs per zone (the SMS number and
 * text) is in the button's data attributes, escaped as HTML. So the page's Content-Security-Policy
 * allows exactly this script by its hash (server/http/security-headers.ts), and nothing a zone's
 * name could inject would run.
 */
export const MOBILE_PAGE_SCRIPT = `
  document.getElementById('send-location').addEventListener('click', function () {
    var button = this, where = document.getElementById('where');
    if (!navigator.geolocation) { where.textContent = '此浏览器无法获取位置，请直接拨打电话。'; return; }
    where.textContent = '正在获取位置…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lon = pos.coords.longitude.toFixed(6), lat = pos.coords.latitude.toFixed(6);
      var text = button.getAttribute('data-sms-body') + '经度 ' + lon + '，纬度 ' + lat + '（WGS-84，精度约 ' + Math.round(pos.coords.accuracy) + ' 米）';
      var smsTo = button.getAttribute('data-sms-to');
      if (!smsTo) { where.textContent = text + '。责任人未登记手机，请拨打电话告知位置。'; return; }
      where.textContent = text;
      location.href = 'sms:' + smsTo + '?body=' + encodeURIComponent(text);
    }, function () { where.textContent = '未能获取位置，请直接拨打电话。'; }, { enableHighAccuracy: true, timeout: 15000 });
  });
`

export function mobilePageHtml(data: SignboardData): string {
  // The location goes by SMS to the first mobile among the people: a landline cannot take one.
  const smsTo = data.groups.flatMap((g) => g.people).map((p) => smsNumber(p.phone)).find(Boolean) ?? null
  const groups = data.groups
    .map(
      (group) => `<section><h2>${escapeHtml(group.heading)}</h2><ul>${group.people
        .map((p) => contactRow(p.name, [p.title, p.holds ? `负责：${p.holds}` : null].filter(Boolean).join(' · ') || null, p.phone, p.color))
        .join('')}</ul></section>`,
    )
    .join('')
  const departments = data.departments.length || data.fallback
    ? `<section><h2>职能部门</h2><ul>${data.departments
        .map((d) => contactRow(d.name, d.categories.length ? `负责：${d.categories.join('、')}` : null, d.phone))
        .join('')}${data.fallback ? contactRow(data.fallback.name, '属地兜底', data.fallback.phone) : ''}</ul></section>`
    : ''
  // 五定 / 值守 (docs/rosters.md): the staff the city shows publicly, with role or 六员 kind and shift.
  const staff = data.staff.length
    ? `<section data-testid="staff"><h2>值守人员</h2><ul>${data.staff
        .map((s) => contactRow(s.name, [s.role, s.shift].filter(Boolean).join(' · ') || null, s.phone))
        .join('')}</ul></section>`
    : ''
  const smsBody = `【${printable(data.zone.name)}】市民反映问题，位置：`
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(data.title)}</title>
<style>
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; background: #f1f5fb; color: #1d1d1f; }
  header { background: #0b4ea2; color: #fff; padding: 18px 16px 14px; border-bottom: 3px solid #e0b83a; }
  header h1 { margin: 0; font-size: 22px; } header p { margin: 6px 0 0; opacity: .85; font-size: 14px; }
  main { padding: 8px 12px 24px; }
  section { background: #fff; border-radius: 10px; margin: 10px 0; padding: 8px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  h2 { font-size: 15px; color: #0b4ea2; margin: 6px 0; border-left: 3px solid #c8102e; padding-left: 6px; }
  ul { list-style: none; margin: 0; padding: 0; }
  .contact { display: flex; justify-content: space-between; align-items: center; gap: 8px; padding: 9px 0; border-top: 1px solid #eef1f6; }
  .contact:first-child { border-top: 0; }
  .who strong { font-size: 17px; } .who small { display: block; color: #5f6368; font-size: 13px; margin-top: 2px; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
  .call { white-space: nowrap; background: #c8102e; color: #fff; text-decoration: none; padding: 8px 12px; border-radius: 18px; font-size: 15px; }
  .none { color: #999; font-size: 13px; }
  .actions button, .actions a { display: block; width: 100%; box-sizing: border-box; margin: 8px 0; padding: 13px; border: 0; border-radius: 8px; font-size: 17px; text-align: center; text-decoration: none; }
  .actions button { background: #0b4ea2; color: #fff; } .actions a { background: #fff; color: #c8102e; border: 1px solid #c8102e; }
  .actions a.report { background: #c8102e; color: #fff; border: 0; font-weight: 600; }
  #where { font-size: 13px; color: #5f6368; word-break: break-all; }
  footer { text-align: center; color: #888; font-size: 12px; }
</style>
</head>
<body>
<header><h1 data-testid="zone-name">${escapeHtml(data.title)}</h1>${data.jurisdiction ? `<p>所属：${escapeHtml(data.jurisdiction)}</p>` : ''}</header>
<main>
${groups || '<section><h2>责任人</h2><p class="none">暂未指定责任人</p></section>'}
${staff}
${departments}
<section class="actions">
  <h2>反映问题</h2>
  <a class="report" href="/r/${encodeURIComponent(data.zone.code)}/report?kind=${encodeURIComponent(data.zone.kind)}" data-testid="report">我要反映问题</a>
  <button type="button" id="send-location" data-testid="send-location" data-sms-to="${escapeHtml(smsTo ?? '')}" data-sms-body="${escapeHtml(smsBody)}">发送我的位置给责任人</button>
  <p id="where"></p>
  <a href="${escapeHtml(telHref(data.hotline) ?? 'tel:12345')}" data-testid="hotline">监督电话 ${escapeHtml(data.hotline)}</a>
</section>
${data.duties ? `<section><h2>职责</h2><p>${escapeHtml(data.duties)}</p></section>` : ''}
<footer>编号 ${escapeHtml(data.zone.code)} · 街长制</footer>
</main>
<script>${MOBILE_PAGE_SCRIPT}</script>
</body>
</html>`
}
