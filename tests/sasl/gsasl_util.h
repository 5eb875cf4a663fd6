// GNU gsasl as an independent peer for the cross-check tests: RAII for its context and
// sessions, and one step with its output copied into Bytes.
#pragma once

#include <gsasl.h>

#include <memory>

#include "harness/base/bytes.h"

namespace sah::sasl::testing {

// A gsasl library context with the given property callback (nullptr ctx when init failed).
struct GsaslContext {
  Gsasl* ctx = nullptr;
  explicit GsaslContext(Gsasl_callback_function callback) {
    if (gsasl_init(&ctx) == GSASL_OK) gsasl_callback_set(ctx, callback);
  }
  ~GsaslContext() { gsasl_done(ctx); }
  GsaslContext(const GsaslContext&) = delete;
  GsaslContext& operator=(const GsaslContext&) = delete;
};

struct GsaslSessionFree {
  void operator()(Gsasl_session* s) const { gsasl_finish(s); }
};
using GsaslSession = std::unique_ptr<Gsasl_session, GsaslSessionFree>;

// One gsasl step; returns GSASL_OK, GSASL_NEEDS_MORE or an error code.
inline int gsasl_step_bytes(Gsasl_session* s, BytesView in, Bytes& out) {
  char* o = nullptr;
  size_t n = 0;
  const int rc = gsasl_step(s, in.data(), in.size(), &o, &n);
  out.assign(o != nullptr ? o : "", o != nullptr ? n : 0);
  gsasl_free(o);
  return rc;
}

}  // namespace sah::sasl::testing
