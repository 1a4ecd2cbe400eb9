/**
 * Line patterns of quoted history, signatures and forwards, in the languages mail clients write them.
 * Every regex here runs on one line (or a few joined lines) of bounded length, and none nests
 * quantifiers, so pathological input (700 000 '>' on a line) stays linear.
 */

/** Longest line (or joined lines) tested as an attribution or header line. */
export const MAX_HEADER_LINE = 320;

export const QUOTED = /^[ \t]*>/;

/** Lines with no letters or digits that only draw a line: `--`, `____`, `***`, `ᐧ` (Gmail tracking mark)… */
export const RULE_ONLY = /^[\s\-_=*#~+.•·—–ᐧ]*$/u;

/** A signature delimiter: `-- ` (RFC 3676), `--`, `__`, a run of em/en dashes or of underscores. */
export const SIGNATURE_DELIMITER = /^(-- ?|_{2,}|—{2,}|–{2,})[ \t]*$/;

/** A line drawn above an Outlook header block. */
export const SEPARATOR = /^[ \t]*(-{3,}|_{3,}|={3,}|\*{3,}|—{3,})[ \t]*$/;

const ORIGINAL_PHRASES =
  "original message|original e-?mail|ursprüngliche nachricht|originalnachricht|oprindelig besked|opprinnelig melding|originalmeddelande|ursprungligt meddelande|message d'origine|message original|mensaje original|messaggio originale|oorspronkelijk bericht|origineel bericht|mensagem original|wiadomość oryginalna|oryginalna wiadomość|исходное сообщение|původní zpráva|pôvodná správa|alkuperäinen viesti|eredeti üzenet|orijinal ileti|原始邮件|原始郵件|元のメッセージ|원본 메시지";

/** "-----Original Message-----" and its translations. */
export const ORIGINAL_MARKER = new RegExp(
  `^[ \\t]*[-_=*]*[ \\t]*(${ORIGINAL_PHRASES})[ \\t]*[-_=*]*[ \\t]*:?[ \\t]*$`,
  "iu",
);

const FORWARD_PHRASES =
  "forwarded message|forwarded e-?mail|begin forwarded message|original forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|messaggio inoltrato|doorgestuurd bericht|doorgestuurde e-?mail|videresendt meddelelse|videresendt melding|vidarebefordrat meddelande|vidarebefordrat mail|przekazana wiadomość|wiadomość przekazana|пересылаемое сообщение|пересланное сообщение|переадресованное сообщение|mensagem encaminhada|välitetty viesti|továbbított üzenet|iletilen ileti|转发的邮件|轉寄的郵件|転送されたメッセージ|전달된 메시지";

/** "---------- Forwarded message ----------", "Begin forwarded message:" and translations. */
export const FORWARD_MARKER = new RegExp(
  `^[ \\t]*[-_=*]*[ \\t]*(${FORWARD_PHRASES})[ \\t]*[-_=*]*[ \\t]*:?[ \\t]*$`,
  "iu",
);

/** Subject prefixes of forwards: Fwd, Fw, WG (German), TR (French), RV (Spanish), Doorst, VS, VB, Enc, PD, İlt… */
export const FORWARD_SUBJECT =
  /^\s*(\[[^\]]{0,40}\]\s*)?(fwd?|wg|tr|rv|enc|doorst|vs|vb|vl|pd|i̇lt|ilt|fs|转发|轉寄)(\[\d+\])?\s*[:：]/iu;
/** Subject prefixes of replies. */
export const REPLY_SUBJECT =
  /^\s*(\[[^\]]{0,40}\]\s*)?(re|aw|sv|antw|vs|odp|ynt|απ|回复|回覆|答复)(\[\d+\])?\s*[:：]/iu;

const FROM_KEYS = "from|von|de|van|fra|från|da|od|от|lähettäjä|kimden|feladó|από|差出人|发件人|寄件者|보낸 사람";
const OTHER_KEYS =
  "sent|date|to|cc|bcc|subject|reply-to|gesendet|datum|an|betreff|kopie|envoyé|à|objet|enviado|enviada|fecha|para|asunto|assunto|data|verzonden|aan|onderwerp|sendt|dato|til|emne|skickat|till|ämne|inviato|oggetto|risposta|wysłano|do|temat|kopia|отправлено|дата|кому|тема|копия|lähetetty|päivämäärä|vastaanottaja|aihe|kopio|gönderildi|tarih|kime|konu|elküldve|dátum|címzett|tárgy|στάλθηκε|ημερομηνία|προς|θέμα|送信日時|日付|宛先|件名|发送时间|日期|收件人|主题|傳送時間|收件者|主旨|보낸 날짜|받는 사람|제목|날짜|a";

/** `From:` of a quoted header block (also `*From:*`, Gmail's plain rendering of Outlook's bold keys). */
export const FROM_HEADER = new RegExp(`^[ \\t]*\\*?[ \\t]*(${FROM_KEYS})[ \\t]*\\*?[ \\t]*[:：]`, "iu");
export const OTHER_HEADER = new RegExp(`^[ \\t]*\\*?[ \\t]*(${OTHER_KEYS})[ \\t]*\\*?[ \\t]*[:：]`, "iu");
export const SUBJECT_HEADER =
  /^[ \t]*\*?[ \t]*(subject|betreff|objet|asunto|assunto|oggetto|onderwerp|emne|ämne|temat|тема|aihe|konu|tárgy|θέμα|件名|主题|主旨|제목)[ \t]*\*?[ \t]*[:：][ \t]*\*?[ \t]*(.*)$/iu;
export const FROM_HEADER_VALUE = new RegExp(
  `^[ \\t]*\\*?[ \\t]*(?:${FROM_KEYS})[ \\t]*\\*?[ \\t]*[:：][ \\t]*\\*?[ \\t]*(.*)$`,
  "iu",
);

const VERBS_AT_END =
  "wrote|writes|a écrit|écrit|escribió|escreveu|escribiu|ha scritto|scrisse|schreef|het volgende geschreven|geschreven|schrieb|skrev|skrevet|kirjoitti|napisał\\(a\\)|napisała|napisał|pisze|написал\\(а\\)|написала|написал|пише|napsal\\(a\\)|napsala|napsal|írta|yazdı|έγραψε|写道|寫道|のメッセージ|작성|a scris|rašė|rakstīja|kirjutas|skrifaði";
const VERB_AT_END = new RegExp(`(?:^|[\\s>)"'»])(${VERBS_AT_END})[ \\t]*[:：]?$`, "iu");
/** German and Scandinavian Gmail put the name after the verb: "Am …, 08:24 schrieb Name <addr>:". */
const VERB_IN_MIDDLE = /\s(schrieb|skrev|skrevet)\s.{1,160}[:：]$/iu;
/** Gmail in languages without a verb (Russian…): "ср, 30 апр. 2025 г. в 15:19, Name <addr>:". */
const ADDRESS_AT_END = /<[^<>\s]{1,120}@[^<>\s]{1,120}\s*>[ \t]*[:：]$/u;
const TIME = /(?<!\d)\d{1,2}[:.]\d{2}(?!\d)/;
const YEAR = /(?<!\d)(19|20)\d{2}(?!\d)/;

/**
 * Whether a line (or up to three wrapped lines joined with spaces) is an attribution such as
 * "On Tue, 1 Mar 2011 at 18:02, Name <addr> wrote:" in one of many languages. It must carry a time,
 * an address, or start with "On" and carry a year: "As I wrote:" is not one.
 */
export function isAttribution(candidate: string): boolean {
  const c = candidate.trim();
  if (c.length < 8 || c.length > MAX_HEADER_LINE || QUOTED.test(c)) return false;
  const evidence = TIME.test(c) || c.includes("@") || (/^on\s/i.test(c) && YEAR.test(c));
  if (!evidence) return false;
  if (VERB_AT_END.test(c) || VERB_IN_MIDDLE.test(c)) return true;
  return ADDRESS_AT_END.test(c) && /\d/.test(c.slice(0, c.lastIndexOf("<")));
}

/** Strips link decorations mail clients append to signatures: `<https://…>`, `[text](url)`, bare URLs, wrapping parens. */
function bareSignature(line: string): string {
  return line
    .replace(/\[([^\]]{0,80})\]\([^)]{0,300}\)/g, "$1")
    .replace(/<[^<>]{0,300}>/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/^[\s(<]+|[\s)>]+$/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

const SENT_FROM =
  /^(sent|envoy[ée]|enviado|enviada|inviato|verzonden|verstuurd|gesendet|sendt|skickat|l[äa]hetetty|wys[łl]ane|отправлено|odesl[áa]no)( (from|with|via|using|by|on|depuis|de|à partir de|desde|da|dal|vanaf|van|met|von|mit|fra|från|z|с|из|od)){1,2} [^,;:!?]{1,60}$/iu;
const MOBILE_PATTERNS = [
  SENT_FROM,
  /^(get|download|télécharger|obtenir|scarica|descargar|descarga|baixe|holen sie sich|hent) outlook\b.{0,60}$/iu,
  /^von meine[mr] .{1,60} gesendet\.?$/iu,
  /^diese nachricht wurde von meinem .{1,80} gesendet\.?$/iu,
  /^(從我的|从我的|我的) ?.{1,30} ?(傳送|发送|發送|寄出)$/u,
  /^.{1,30}から送信$/u,
];

/** A mobile client's signature line ("Sent from my iPhone", "Envoyé de mon iPad", "Get Outlook for iOS"…), not a sentence that starts alike. */
export function isMobileSignature(line: string): boolean {
  if (line.length > 300 || QUOTED.test(line)) return false;
  const bare = bareSignature(line);
  return bare.length > 0 && bare.length <= 120 && MOBILE_PATTERNS.some((re) => re.test(bare));
}
