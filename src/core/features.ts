// Features a board build may leave out. Code that belongs to one of them runs only under
// `if (WITH_…)`; the board build (`npm run build:board -- --with qos2,store,…` or
// `--profile lite|full`) swaps this file for the profile's own values, and the minifier then
// drops every branch and module the profile leaves out. Node, the tests and the default board
// bundles use these values: everything on.
export const WITH_QOS2 = true; // QoS 2 both ways (PUBREC/PUBREL/PUBCOMP)
export const WITH_STORE = true; // durable in-flight/queue records (file, Espruino Storage)
export const WITH_UTF8 = true; // full UTF-8 validation of topics and strings (else a lighter check)
export const WITH_AT = true; // the ESP-AT serial transport (else the board's own `net` only)
export const WITH_DISCOVERY = true; // Home Assistant MQTT discovery
export const WITH_AT_PASSIVE = true; // ESP-AT 2.x passive receive and certificate checking over AT
