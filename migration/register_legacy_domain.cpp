// Compiled into libCm-zmq alone: the library's session gets the legacy
// domain of migration mode (legacy_domain.h).  The tools and the name
// server share the core without it, and the stand-in legacy library is
// built from src/ without it.
#include "legacy_domain.h"
#include "session/session.h"

namespace {
const bool kRegistered = (cm::Session::SetForeignDomainFactory(&cm::StartLegacyDomain), true);
}  // namespace
