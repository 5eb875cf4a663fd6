// The one escaping function every server-supplied text goes through before it reaches HTML,
// and the XML variant JUnit needs. A server controls its greeting, replies, log lines and
// mechanism names, so the report treats all of them as hostile (DESIGN "Reports": escape by
// default).
#pragma once

#include <string>
#include <string_view>

namespace sah::report {

// HTML text and attribute values (quoted with " or '):
// - & < > " ' become entities, so no text can open a tag or leave an attribute;
// - C0 controls (NUL, ESC, CR, LF, TAB …), DEL and C1 controls (U+0080–U+009F) become a
//   visible \xHH per octet, so a terminal escape or a NUL shows as what it is;
// - bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) become \u202E etc.,
//   so text cannot reorder what the reader sees ("Trojan Source", CVE-2021-42574);
// - invalid UTF-8 (stray continuation octets, overlong forms, surrogates, values past
//   U+10FFFF, truncated sequences) becomes U+FFFD, one per maximal invalid subpart
//   (the WHATWG / Unicode §3.9 "best practice" substitution).
std::string html_escape(std::string_view untrusted);

// The same visible form without the entities: what html_escape shows, as plain text
// (used for the JUnit message bodies and for tests).
std::string visible_text(std::string_view untrusted);

// XML 1.0 text and attribute values: the visible form above, then & < > " ' as entities.
// XML 1.0 forbids most control characters even as references, so they never reach the file.
std::string xml_escape(std::string_view untrusted);

}  // namespace sah::report
