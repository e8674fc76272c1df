/**
 * "Copy as cURL": the bash form, under the names the panel has always used. The other formats
 * (cmd, PowerShell, fetch) live beside it in ./copy-as/.
 */
export type { CopyRequest as CurlInput } from './copy-as/request';
export { bashQuote as shellQuote, toCurlBash as toCurl } from './copy-as/bash';
