// LegacyDomain: the legacy Cm domain as the session sees it (a ForeignDomain,
// src/session/foreign_domain.h), over a LegacyBridge to the companion.
#ifndef CM_MIGRATION_LEGACY_DOMAIN_H
#define CM_MIGRATION_LEGACY_DOMAIN_H

#include <memory>

#include "session/foreign_domain.h"

namespace cm {

// The ForeignDomainFactory of libCm-zmq: with CM_LEGACY_LIBRARY set, starts
// the companion (migration mode); without, leaves *out empty.
Status StartLegacyDomain(std::unique_ptr<ForeignDomain>* out);

}  // namespace cm

#endif
