/**
 * What a hostile page (or a crafted HAR file) can put in a request it makes: the hook records
 * the method, URL, headers and body before the real fetch validates any of them. Used by the
 * copy-as tests of every format.
 */
export const HOSTILE: Record<string, string> = {
  semicolon: 'GET;X=ECHO;${X,,} PWNED;',
  subshell: '$(echo PWNED)',
  backticks: '`echo PWNED`',
  caseFold: '${X,,}',
  newline: 'a\necho PWNED\n',
  cr: 'a\recho PWNED\r',
  crlf: 'a\r\necho PWNED\r\n',
  nul: 'a\u0000echo PWNED',
  percent: '%PATH% %OS% %=C:% %~dp0 %% %',
  bang: '!PATH! !!',
  caret: '^ ^^ ^& a^',
  operators: '& | < > && || >> 2>&1 ( ) @',
  singleQuotes: "' '' '\\''",
  doubleQuotes: '" "" \\" \\\\"',
  smartQuotes: '‘ ’ ‚ ‛ “ ” „ ＂',
  backslashes: 'a\\ b\\\\ \\',
  dollar: '$HOME $env:PATH ${env:USERPROFILE} $(1+1) @(1) $null',
  lineSeparators: 'a\u2028echo PWNED\u2029b\u0085c',
  controls: '\u0001\u0007\u001b[31m\u007f\u009b',
  tab: 'a\tb',
  loneSurrogate: 'a\ud800b',
  emoji: 'é中😀',
  js: '"}); globalThis.PWNED = 1; ("\\\u2028 </script>',
  long: `${'x'.repeat(20_000)}$(echo PWNED)${"'".repeat(5_000)}`,
};

/** Every hostile value together, with a trailing backslash (it escapes the closing quote in a naive quoter). */
export const ALL_HOSTILE = `${Object.values(HOSTILE).filter((v) => v.length < 1000).join(' | ')}\\`;
