// One accessor per mechanism file: the registry's table is built from these and nothing else,
// so adding a mechanism is one file plus one line here and one line in registry.cc.
#pragma once

#include "harness/sasl/mechanism.h"

namespace sah::sasl {

const MechanismInfo& plain_mechanism();        // plain.cc        RFC 4616
const MechanismInfo& login_mechanism();        // login.cc        draft-murchison-sasl-login
const MechanismInfo& cram_md5_mechanism();     // cram_md5.cc     RFC 2195
const MechanismInfo& digest_md5_mechanism();   // digest_md5.cc   RFC 2831
const MechanismInfo& xoauth2_mechanism();      // xoauth2.cc      Google / Microsoft documentation
const MechanismInfo& oauthbearer_mechanism();  // oauthbearer.cc  RFC 7628
const MechanismInfo& anonymous_mechanism();    // anonymous.cc    RFC 4505
const MechanismInfo& external_mechanism();     // external.cc     RFC 4422 Appendix A
// SCRAM (RFC 5802, RFC 7677, RFC 9266) and NTLM (MS-NLMP):
const MechanismInfo& scram_sha1_mechanism();         // scram.cc        RFC 5802
const MechanismInfo& scram_sha1_plus_mechanism();    // scram.cc        RFC 5802 §6
const MechanismInfo& scram_sha256_mechanism();       // scram.cc        RFC 7677
const MechanismInfo& scram_sha256_plus_mechanism();  // scram.cc        RFC 7677, RFC 9266
const MechanismInfo& ntlm_mechanism();               // ntlm.cc         MS-NLMP, MS-SMTPNTLM

}  // namespace sah::sasl
