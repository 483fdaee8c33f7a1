/**
 * The page a citizen sees when the signboard's QR code opens `/r/{code}` while the server cannot
 * answer it (the database is down or frozen): a phone shows HTML, never a JSON error. Chinese
 * first, English below; the hotline still works when Jiezhang does not. Self-contained, like the
 * mobile page: no scripts or styles from elsewhere.
 */
export function unavailablePageHtml(hotline: string): string {
  const digits = hotline.replace(/[^\d+]/g, '')
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>系统维护中</title>
<style>
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; background: #f1f5fb; color: #1d1d1f; }
  main { padding: 32px 20px; }
  h1 { font-size: 22px; color: #0b4ea2; margin: 0 0 12px; }
  p { font-size: 16px; line-height: 1.6; margin: 8px 0; }
  a.call { display: block; margin: 20px 0; padding: 13px; border-radius: 8px; background: #c8102e; color: #fff; text-align: center; text-decoration: none; font-size: 17px; }
  small { color: #5f6368; }
</style>
</head>
<body>
<main>
<h1 data-testid="unavailable">系统维护中，请稍后再试</h1>
<p>责任区信息暂时无法显示。如需立即反映问题，请拨打监督电话。</p>
<a class="call" href="tel:${digits}">拨打 ${digits}</a>
<p><small>The service is under maintenance; please try again later, or call ${digits}.</small></p>
</main>
</body>
</html>
`
}
