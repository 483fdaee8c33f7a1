import { printable } from '../signboards/printable-text.js'

/**
 * The citizen's pages of the closed loop (issue 10): the report form a signboard's page links to
 * (`/r/{code}/report`) and the follow-up page of one report (`/c/{token}`). Server-rendered,
 * Simplified Chinese, phone-first, self-contained: each page's one script is the same bytes on
 * every page (what differs is in data attributes, escaped as HTML), so the pages'
 * Content-Security-Policy allows exactly these scripts by their hashes
 * (server/http/security-headers.ts `CITIZEN_PAGE_CSP`); nothing a zone's name, a category or a
 * note could inject would run. The scripts talk only to this server's public API.
 */
export const escapeHtml = (text: string) =>
  printable(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Case states as a citizen reads them. */
export const STATE_LABELS: Record<string, string> = {
  reported: '已上报',
  filed: '已立案',
  voided: '不予立案',
  duplicate: '已合并（重复反映）',
  dispatched: '已派遣',
  accepted: '处置中',
  handled: '已处置，待核查',
  parked: '暂缓办理',
  closed: '已结案',
  evaluated: '已评价',
}

/** Timeline steps as a citizen reads them (case_event.action). */
export const ACTION_LABELS: Record<string, string> = {
  reported: '市民上报',
  filed: '立案',
  voided: '不予立案',
  marked_duplicate: '合并为重复反映',
  dispatched: '派遣至责任人',
  reassigned: '改派',
  accepted: '责任人受理',
  handed_back: '退回重新派遣',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_refused: '不同意延期',
  park_requested: '申请暂缓',
  parked: '暂缓办理',
  unparked: '恢复办理',
  handled: '处置完成',
  sent_back: '核查未通过，返工',
  closed: '核查结案',
  evaluated: '市民评价',
  warned: '临近办理时限',
  overdue: '已超过办理时限',
  escalated: '已上报上级督办',
  note: '进展说明',
}

const BEIJING_OFFSET_MS = 8 * 3600 * 1000

/** `2026-12-02 14:08` in Beijing time (UTC+8, no daylight saving). */
export function beijingTime(at: Date | string | null): string {
  if (at == null) return ''
  const date = typeof at === 'string' ? new Date(at) : at
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

const BASE_STYLE = `
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; background: #f1f5fb; color: #1d1d1f; font-size: 16px; }
  header { background: #0b4ea2; color: #fff; padding: 16px 16px 12px; border-bottom: 3px solid #e0b83a; }
  header h1 { margin: 0; font-size: 21px; } header p { margin: 6px 0 0; opacity: .85; font-size: 14px; }
  main { padding: 8px 12px 28px; max-width: 640px; margin: 0 auto; }
  section { background: #fff; border-radius: 10px; margin: 10px 0; padding: 10px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  h2 { font-size: 15px; color: #0b4ea2; margin: 4px 0 8px; border-left: 3px solid #c8102e; padding-left: 6px; }
  label { display: block; font-weight: 600; margin: 10px 0 6px; }
  select, textarea, input[type=tel] { width: 100%; box-sizing: border-box; font-size: 16px; padding: 10px; border: 1px solid #c4ccd8; border-radius: 8px; background: #fff; }
  textarea { min-height: 110px; resize: vertical; }
  .hint { color: #5f6368; font-size: 13px; margin: 4px 0 0; }
  .count { text-align: right; }
  .url { word-break: break-all; user-select: all; }
  .error { color: #c8102e; font-size: 14px; margin: 6px 0 0; }
  .primary { display: block; width: 100%; box-sizing: border-box; margin: 12px 0 4px; padding: 13px; border: 0; border-radius: 8px; font-size: 17px; background: #0b4ea2; color: #fff; text-align: center; text-decoration: none; }
  .primary[disabled] { background: #8ea7c9; }
  .secondary { display: block; width: 100%; box-sizing: border-box; margin: 8px 0; padding: 11px; border: 1px solid #0b4ea2; border-radius: 8px; font-size: 16px; background: #fff; color: #0b4ea2; text-align: center; text-decoration: none; }
  .preview { max-width: 100%; max-height: 220px; margin-top: 8px; border-radius: 6px; display: block; }
  .number { font-size: 22px; font-weight: 700; letter-spacing: .5px; }
  .state { display: inline-block; background: #e8f0fb; color: #0b4ea2; border-radius: 12px; padding: 2px 10px; font-size: 15px; }
  ol.timeline { list-style: none; margin: 0; padding: 0; }
  ol.timeline li { border-left: 2px solid #c4ccd8; margin-left: 6px; padding: 0 0 12px 12px; position: relative; }
  ol.timeline li::before { content: ""; position: absolute; left: -6px; top: 4px; width: 10px; height: 10px; border-radius: 50%; background: #0b4ea2; }
  ol.timeline time { color: #5f6368; font-size: 13px; display: block; }
  ol.timeline .note { margin: 4px 0 0; white-space: pre-wrap; word-break: break-word; }
  .photos img { width: 31%; aspect-ratio: 1; object-fit: cover; margin: 1%; border-radius: 6px; }
  .stars { display: flex; gap: 6px; font-size: 34px; }
  .stars input { position: absolute; opacity: 0; width: 1px; height: 1px; }
  .stars label { margin: 0; color: #c4ccd8; cursor: pointer; font-weight: 400; }
  .stars label.on { color: #e0a800; }
  .rated { font-size: 26px; color: #e0a800; }
  [hidden] { display: none !important; }
  footer { text-align: center; color: #888; font-size: 12px; }
`

/**
 * The shell of every page a citizen opens without an account (the report form, the follow-up, the
 * published rankings of server/reports/): Chinese, phone-sized, no referrer, the supervision
 * hotline in the footer; a script only where the page has one.
 */
export function citizenPageShell(page: { title: string; style: string; header: string; main: string; bodyAttributes?: string; script?: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(page.title)}</title>
<style>${page.style}</style>
</head>
<body${page.bodyAttributes ?? ''}>
<header>${page.header}</header>
<main>
${page.main}
<footer>街长制 · 监督电话 12345</footer>
</main>
${page.script === undefined ? '' : `<script>${page.script}</script>\n`}</body>
</html>`
}

function page(title: string, header: string, bodyAttributes: string, main: string, script: string): string {
  return citizenPageShell({ title, style: BASE_STYLE, header, main, bodyAttributes, script })
}

/**
 * The report form's script. It reads the signboard (code, kind, the zone's point and name) from
 * the body's data attributes; asks the phone's position (when refused or unavailable it says the
 * signboard's street will be used and sends none); lists the public categories handled there;
 * shrinks a photo to at most 1600 px as a JPEG in a canvas (which drops its EXIF, GPS included)
 * before uploading it; and keeps the last report's number and follow-up link in localStorage.
 */
export const REPORT_PAGE_SCRIPT = `
(function () {
  var body = document.body, $ = function (id) { return document.getElementById(id); };
  var code = body.getAttribute('data-code'), kind = body.getAttribute('data-kind');
  var zoneName = body.getAttribute('data-zone-name');
  var fallback = { lon: Number(body.getAttribute('data-lon')), lat: Number(body.getAttribute('data-lat')) };
  var storeKey = 'jz-report:' + code + ':' + kind;
  var position = null, photo = null, previewUrl = null, loadedFor = null;
  var FIELDS = { category_id: '问题类别', description: '问题描述', reporter_phone: '联系电话', location: '位置', signboard_code: '二维码编号' };

  function show(el, on) { if (on) el.removeAttribute('hidden'); else el.setAttribute('hidden', ''); }

  function showDone(saved) {
    $('done-number').textContent = saved.number;
    var link = $('done-link');
    link.setAttribute('href', '/c/' + encodeURIComponent(saved.token));
    $('done-url').textContent = location.origin + '/c/' + saved.token;
    $('done-photo').textContent = saved.photoFailed ? '照片未能上传，您可以在跟踪页面查看办理进展。' : '';
    show($('done'), true); show($('report'), false);
  }

  try { var saved = JSON.parse(localStorage.getItem(storeKey) || 'null'); if (saved && saved.token) showDone(saved); } catch (e) {}

  $('again').addEventListener('click', function () {
    try { localStorage.removeItem(storeKey); } catch (e) {}
    $('description').value = ''; $('photo').value = ''; photo = null; show($('preview'), false); updateCount();
    show($('done'), false); show($('report'), true);
  });

  function loadCategories(point) {
    var key = point.lon + ',' + point.lat;
    if (loadedFor === key) return; loadedFor = key;
    var select = $('category');
    fetch('/api/public/categories?lon=' + encodeURIComponent(point.lon) + '&lat=' + encodeURIComponent(point.lat), { headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (answer) {
        var list = Array.isArray(answer) ? answer : (answer.categories || answer.items || []);
        var keep = select.value;
        while (select.options.length > 1) select.remove(1);
        list.forEach(function (c) { var o = document.createElement('option'); o.value = String(c.id); o.textContent = c.name; select.appendChild(o); });
        if (keep) select.value = keep;
        select.options[0].textContent = list.length ? '请选择问题类别' : '此处暂无可反映的类别，请拨打 12345';
        select.disabled = list.length === 0;
      })
      .catch(function () { loadedFor = null; select.options[0].textContent = '类别加载失败，请刷新重试'; });
  }

  function noPosition(why) {
    position = null;
    $('where').textContent = why + '将按二维码所在的「' + zoneName + '」上报。';
    loadCategories(fallback);
  }
  if (navigator.geolocation) {
    $('where').textContent = '正在获取您的位置…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      position = { lon: Number(pos.coords.longitude.toFixed(6)), lat: Number(pos.coords.latitude.toFixed(6)), accuracy_m: Math.round(pos.coords.accuracy) };
      $('where').textContent = '已获取您的位置（精度约 ' + position.accuracy_m + ' 米），将随问题一起上报。';
      loadCategories(position);
    }, function () { noPosition('未能获取您的位置，'); }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  } else {
    noPosition('此浏览器无法获取位置，');
  }

  function updateCount() { $('count').textContent = $('description').value.length + ' / 500'; }
  $('description').addEventListener('input', updateCount);
  updateCount();

  $('photo').addEventListener('change', function () {
    var file = this.files && this.files[0];
    photo = null; show($('preview'), false); $('photo-error').textContent = '';
    if (!file) return;
    var url = URL.createObjectURL(file), img = new Image();
    img.onload = function () {
      var scale = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(img.naturalWidth * scale)); canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
      var ctx = canvas.getContext('2d'); ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (blob) {
        if (!blob) { $('photo-error').textContent = '照片处理失败，请换一张。'; return; }
        photo = blob;
        if (previewUrl) URL.revokeObjectURL(previewUrl);
        previewUrl = URL.createObjectURL(blob);
        $('preview').src = previewUrl; show($('preview'), true);
        $('photo-size').textContent = '已压缩为 ' + canvas.width + '×' + canvas.height + '，约 ' + Math.max(1, Math.round(blob.size / 1024)) + ' KB';
      }, 'image/jpeg', 0.85);
    };
    img.onerror = function () { URL.revokeObjectURL(url); $('photo-error').textContent = '无法读取这张照片，请换一张。'; };
    img.src = url;
  });

  function cleanPhone(value) { return value.replace(/[\\s()（）-]/g, ''); }
  function phoneValid(value) { return /^(\\+?86)?1[3-9]\\d{9}$/.test(value) || /^0\\d{9,11}$/.test(value); }

  function serverMessage(status, answer) {
    var error = answer && answer.error;
    var code = error && error.code;
    var details = error && error.details, field = null;
    if (Array.isArray(details) && details[0]) field = details[0].field;
    else if (details && typeof details === 'object') field = details.field;
    if (typeof field === 'string') field = field.replace(/^\\/?(body\\/)?/, '').split(/[./\\[]/)[0];
    if (status === 429 || code === 'rate_limited') return '提交太频繁，请稍后再试。';
    if (status === 413) return '照片太大，请换一张。';
    if (status === 503) return '系统暂时无法受理，请稍后再试或拨打 12345。';
    if (code === 'not_found') return '二维码对应的责任区已调整，请拨打 12345 反映。';
    if (status === 400 || status === 422) return '填写的内容有误' + (field && FIELDS[field] ? '：请检查「' + FIELDS[field] + '」' : '') + '。';
    return '提交失败（' + (code || status) + '），请稍后再试或拨打 12345。';
  }

  $('report').addEventListener('submit', function (event) {
    event.preventDefault();
    var error = $('form-error'); error.textContent = '';
    var category = $('category').value, description = $('description').value.trim();
    var phone = cleanPhone($('phone').value);
    if (!category) { error.textContent = '请选择问题类别。'; return; }
    if (!description) { error.textContent = '请简要描述问题。'; return; }
    if (description.length > 500) { error.textContent = '问题描述不能超过 500 字。'; return; }
    if (phone && !phoneValid(phone)) { error.textContent = '联系电话格式不正确：请填写 11 位手机号码或带区号的固定电话。'; return; }
    var request = { signboard_code: code, category_id: Number(category), description: description };
    if (position) request.location = position;
    if (phone) request.reporter_phone = phone;
    var button = $('submit'); button.disabled = true; button.textContent = '正在提交…';
    fetch('/api/public/cases', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request) })
      .then(function (r) { return r.json().catch(function () { return null; }).then(function (answer) { return { status: r.status, answer: answer }; }); })
      .then(function (result) {
        if (result.status !== 201 || !result.answer || !result.answer.token) throw { message: serverMessage(result.status, result.answer) };
        var done = { number: result.answer.number, token: result.answer.token, at: new Date().toISOString() };
        if (!photo) return done;
        return fetch('/api/public/cases/' + encodeURIComponent(done.token) + '/photos', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo })
          .then(function (r) { if (r.status !== 201) done.photoFailed = true; return done; }, function () { done.photoFailed = true; return done; });
      })
      .then(function (done) {
        try { localStorage.setItem(storeKey, JSON.stringify(done)); } catch (e) {}
        showDone(done);
      })
      .catch(function (e) { error.textContent = e && e.message && !(e instanceof TypeError) ? e.message : '网络不通，请稍后再试。'; })
      .then(function () { button.disabled = false; button.textContent = '提交'; });
  });
})();
`

export interface ReportPageData {
  code: string
  kind: string
  zoneName: string
  jurisdiction: string | null
  anchor: { lon: number; lat: number }
}

export function reportPageHtml(data: ReportPageData): string {
  const attributes = ` data-code="${escapeHtml(data.code)}" data-kind="${escapeHtml(data.kind)}" data-zone-name="${escapeHtml(data.zoneName)}" data-lon="${data.anchor.lon}" data-lat="${data.anchor.lat}"`
  const header = `<h1 data-testid="report-title">我要反映问题</h1><p data-testid="zone-name">${escapeHtml(data.zoneName)}${data.jurisdiction ? ` · ${escapeHtml(data.jurisdiction)}` : ''}</p>`
  const main = `<form id="report" data-testid="report-form" novalidate>
<section>
  <label for="category">问题类别</label>
  <select id="category" data-testid="category" required><option value="">正在加载类别…</option></select>
  <label for="description">问题描述</label>
  <textarea id="description" data-testid="description" maxlength="500" placeholder="请简要说明问题和具体位置，例如：门口人行道上堆放了建筑垃圾"></textarea>
  <p class="hint count" id="count" data-testid="count">0 / 500</p>
</section>
<section>
  <label for="photo">照片（可选）</label>
  <input type="file" id="photo" data-testid="photo" accept="image/*" capture="environment">
  <img id="preview" class="preview" data-testid="preview" alt="照片预览" hidden>
  <p class="hint" id="photo-size"></p>
  <p class="error" id="photo-error"></p>
</section>
<section>
  <h2>位置</h2>
  <p class="hint" id="where" data-testid="where">此浏览器无法获取位置，将按二维码所在的「${escapeHtml(data.zoneName)}」上报。</p>
</section>
<section>
  <label for="phone">联系电话（可选）</label>
  <input type="tel" id="phone" data-testid="phone" inputmode="tel" autocomplete="tel" maxlength="20" placeholder="手机号码或带区号的固定电话">
  <p class="hint">只有办理此问题的工作人员能看到您的电话，用于回访；不会显示在公开页面上。</p>
</section>
<p class="error" id="form-error" data-testid="form-error" role="alert"></p>
<button type="submit" class="primary" id="submit" data-testid="submit">提交</button>
</form>
<section id="done" data-testid="done" hidden>
  <h2>已收到您的反映</h2>
  <p>受理编号</p>
  <p class="number" id="done-number" data-testid="case-number"></p>
  <p class="hint">请保存下面的链接，凭它查看办理进展，结案后可以评价。</p>
  <a class="primary" id="done-link" data-testid="follow-link" href="#">查看办理进展</a>
  <p class="hint url" id="done-url" data-testid="follow-url"></p>
  <p class="hint" id="done-photo"></p>
  <button type="button" class="secondary" id="again" data-testid="again">再反映一个问题</button>
</section>
<a class="secondary" href="/r/${encodeURIComponent(data.code)}?kind=${encodeURIComponent(data.kind)}">返回责任人信息</a>`
  return page(`我要反映问题 · ${data.zoneName}`, header, attributes, main, REPORT_PAGE_SCRIPT)
}

/**
 * The follow-up page's script: the 1–5 star rating of a closed case with an optional comment,
 * sent once to the public rating route; the page then reloads and shows the rating.
 */
export const FOLLOW_PAGE_SCRIPT = `
(function () {
  var form = document.getElementById('rating');
  if (!form) return;
  var token = document.body.getAttribute('data-token');
  var labels = form.querySelectorAll('.stars label'), chosen = 0;
  function paint(n) { for (var i = 0; i < labels.length; i++) labels[i].className = i < n ? 'on' : ''; }
  form.querySelectorAll('.stars input').forEach(function (input) {
    input.addEventListener('change', function () { chosen = Number(input.value); paint(chosen); });
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var error = document.getElementById('rating-error'); error.textContent = '';
    if (!chosen) { error.textContent = '请选择 1 到 5 颗星。'; return; }
    var comment = document.getElementById('comment').value.trim();
    var request = { rating: chosen }; if (comment) request.comment = comment;
    var button = document.getElementById('rate'); button.disabled = true;
    fetch('/api/public/cases/' + encodeURIComponent(token) + '/rating', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(request) })
      .then(function (r) {
        if (r.ok) { location.reload(); return; }
        return r.json().catch(function () { return null; }).then(function (answer) {
          var code = answer && answer.error && answer.error.code;
          error.textContent = r.status === 409 || code === 'invalid_transition' ? '此问题已评价过或尚未结案，无法评价。' : r.status === 429 ? '提交太频繁，请稍后再试。' : '评价提交失败（' + (code || r.status) + '），请稍后再试。';
          button.disabled = false;
        });
      }, function () { error.textContent = '网络不通，请稍后再试。'; button.disabled = false; });
  });
})();
`

export interface FollowPageData {
  token: string
  number: string
  state: string
  category: string
  createdAt: Date | string | null
  address: string | null
  rating: number | null
  ratingComment: string | null
  /** Closed and not yet rated: the page offers the stars. */
  canRate: boolean
  events: { at: Date | string | null; action: string; publicNote: string | null }[]
  photoIds: number[]
}

export function followPageHtml(data: FollowPageData): string {
  const state = STATE_LABELS[data.state] ?? data.state
  const events = data.events
    .map(
      (event) => `<li data-testid="event"><time>${escapeHtml(beijingTime(event.at))}</time><strong>${escapeHtml(ACTION_LABELS[event.action] ?? '办理进展')}</strong>${
        event.publicNote ? `<p class="note">${escapeHtml(event.publicNote)}</p>` : ''
      }</li>`,
    )
    .join('')
  const photos = data.photoIds.length
    ? `<section class="photos"><h2>照片</h2>${data.photoIds
        .map((id) => `<img src="/api/public/cases/${encodeURIComponent(data.token)}/photos/${id}" alt="照片 ${id}" loading="lazy" data-testid="photo">`)
        .join('')}</section>`
    : ''
  let rating = ''
  if (data.rating != null) {
    rating = `<section data-testid="rated"><h2>您的评价</h2><p class="rated" aria-label="${data.rating} 星">${'★'.repeat(data.rating)}${'☆'.repeat(5 - data.rating)}</p>${
      data.ratingComment ? `<p class="note">${escapeHtml(data.ratingComment)}</p>` : ''
    }<p class="hint">感谢您的评价。</p></section>`
  } else if (data.canRate) {
    rating = `<form id="rating" data-testid="rating-form" novalidate><section><h2>请为办理结果评价</h2>
<div class="stars" role="radiogroup" aria-label="评分">${[1, 2, 3, 4, 5]
      .map((n) => `<label for="star-${n}" title="${n} 星">★<input type="radio" name="rating" id="star-${n}" value="${n}" data-testid="star-${n}"></label>`)
      .join('')}</div>
<label for="comment">意见（可选）</label>
<textarea id="comment" data-testid="comment" maxlength="500"></textarea>
<p class="error" id="rating-error" data-testid="rating-error" role="alert"></p>
<button type="submit" class="primary" id="rate" data-testid="rate">提交评价</button>
<p class="hint">每个问题只能评价一次。</p></section></form>`
  }
  const header = `<h1>办理进展</h1><p>受理编号 <span data-testid="case-number">${escapeHtml(data.number)}</span></p>`
  const main = `<section>
  <p><span class="state" data-testid="state">${escapeHtml(state)}</span></p>
  <p>问题类别：<span data-testid="category">${escapeHtml(data.category)}</span></p>
  <p class="hint">上报时间：${escapeHtml(beijingTime(data.createdAt))}（北京时间）${data.address ? `<br>位置：${escapeHtml(data.address)}` : ''}</p>
</section>
<section><h2>办理过程</h2><ol class="timeline" data-testid="timeline">${events || '<li>已收到，等待受理。</li>'}</ol></section>
${photos}
${rating}`
  return page(`办理进展 · ${data.number}`, header, ` data-token="${escapeHtml(data.token)}"`, main, FOLLOW_PAGE_SCRIPT)
}

export const NOT_FOUND_REPORT_PAGE =
  '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>未找到</title><body style="font-family:sans-serif;padding:24px"><h1>未找到该责任区</h1><p>二维码对应的街巷或网格不存在或已调整，请拨打监督电话 <a href="tel:12345">12345</a>。</p></body></html>'

export const NOT_FOUND_FOLLOW_PAGE =
  '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>未找到</title><body style="font-family:sans-serif;padding:24px"><h1>未找到这条反映</h1><p>链接不完整或已失效。如需查询，请拨打监督电话 <a href="tel:12345">12345</a>。</p></body></html>'
