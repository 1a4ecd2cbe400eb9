import type { WidgetConfig } from "./config";

/**
 * The panel's CSS, inside the same shadow root as the launcher: px sizes only, nothing inherited from the
 * page. On a phone, and on a short screen (200 % zoom on a laptop), the panel fills the screen and the
 * message log keeps room beside the email form (S42).
 */
export function panelCss(c: WidgetConfig): string {
  const side = c.position === "left" ? "left:0" : "right:0";
  return `.panel{position:absolute;bottom:72px;${side};width:370px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;color:#1f2328;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none;direction:ltr}
.panel[hidden]{display:none}
:where(.panel) :where(button,input,textarea){font:inherit;color:inherit;margin:0}
.head{display:flex;align-items:center;gap:8px;padding:14px 16px;background:${c.color};color:${c.onColor}}
.head h2{flex:1;margin:0;font-size:17px;font-weight:600;line-height:1.3}
.x{all:unset;box-sizing:border-box;display:flex;align-items:center;justify-content:center;width:36px;height:36px;border-radius:8px;cursor:pointer}
.x svg{width:22px;height:22px;fill:currentColor}
.x:focus-visible{outline:2px solid ${c.onColor};outline-offset:1px}
.status{margin:0;padding:6px 16px;background:#fff8c5;color:#4d2d00;font-size:13px}
.status:empty{display:none}
.log{flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:10px;background:#f6f8fa}
.entries{display:contents}
.log:focus-visible{outline:2px solid ${c.color};outline-offset:-2px}
.m{max-width:82%;display:flex;flex-direction:column;gap:2px}
.m p{margin:0;padding:9px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}
.theirs{align-self:flex-start}
.theirs p{background:#fff;border:1px solid #d0d7de}
.mine{align-self:flex-end;align-items:flex-end}
.mine p{background:${c.color};color:${c.onColor}}
.who{font-size:12px;color:#57606a;padding:0 4px}
.meta{font-size:12px;color:#57606a;padding:0 4px}
.failed .meta{color:#a40e26}
.retry{all:unset;cursor:pointer;text-decoration:underline;margin-left:4px;color:#0349b4}
.retry:focus-visible,.link:focus-visible{outline:2px solid #0349b4;outline-offset:1px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.typing{margin:0;padding:0 16px;min-height:20px;font-size:13px;color:#57606a;background:#f6f8fa}
.email,.saved{margin:0;padding:10px 16px;border-top:1px solid #d0d7de;font-size:14px}
.email[hidden],.saved[hidden]{display:none}
.email p{margin:0 0 6px}
.row{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.email input{flex:1;min-width:140px;padding:7px 9px;border:1px solid #8c959f;border-radius:8px;background:#fff}
.btn{all:unset;box-sizing:border-box;cursor:pointer;padding:7px 12px;border-radius:8px;background:${c.color};color:${c.onColor};font-weight:600}
.btn:focus-visible,.email input:focus-visible,.composer textarea:focus-visible{outline:2px solid ${c.color};outline-offset:1px}
.link{all:unset;cursor:pointer;color:#0349b4;text-decoration:underline;padding:7px 4px}
.err{margin:4px 0 0;color:#a40e26;font-size:13px}
.err:empty{display:none}
.composer{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;padding:10px 12px;border-top:1px solid #d0d7de}
.composer textarea{flex:1;resize:none;min-height:40px;max-height:120px;padding:9px 11px;border:1px solid #8c959f;border-radius:10px;background:#fff}
.composer .err{flex-basis:100%}
.log{min-height:96px}
@media (max-width:480px),(max-height:600px){.panel{position:fixed;inset:0;width:auto;height:auto;max-width:none;max-height:none;border-radius:0}}
@media (max-height:600px){.head{padding:6px 12px}.log{padding:10px 12px}.email,.saved{padding:6px 12px;font-size:13px}.email p{margin:0 0 4px}.composer{padding:6px 12px}}`;
}
