/*
 * CmConnect.h -- the peers a Cm process exchanges messages with.
 *
 * A CmConnect is an opaque reference to what this process knows of one peer
 * (its name, where it listens, whether a connection is up).  References are
 * owned by the library: never free one.  A reference stays valid until
 * CmMessageCloseServer(), also after CmConnectKill() (a later send to the
 * same name reconnects and reuses it).
 *
 * Like the rest of Cm, these calls are for one thread (the one that calls
 * the wait functions); handlers run in that thread, inside the wait calls.
 */
#ifndef CM_CONNECT_H
#define CM_CONNECT_H

#include "CmDefs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CmConnectRec *CmConnect;

/* Called with the peer's reference, inside the wait calls. */
typedef void (*CmConnectHandler)(CmConnect connect);

/* The reference for the process registered as `name`, resolved through the
 * name server without sending anything.  NULL if no live process has that
 * name (or name is NULL/invalid, or the name server cannot be reached). */
CmConnect CmConnectGetReference(char *name);

/* The peer's name; owned by the library, valid as long as the reference.
 * NULL for a NULL reference. */
char *CmConnectGetName(CmConnect connect);

/* Close our connection to that peer (the peer is told nothing; the
 * disconnection handler runs).  A later CmMessageSend() reconnects.
 * NULL is ignored. */
void CmConnectKill(CmConnect connect);

/* Called once when a peer first exchanges a message with us (either
 * direction), and once when it is lost (closed, died, killed, or silent past
 * the heartbeat timeout).  NULL uninstalls.  Calls run inside the wait calls. */
void CmConnectInstallConnectionHandler(CmConnectHandler handler);
void CmConnectInstallDisconnectionHandler(CmConnectHandler handler);

#ifdef __cplusplus
}
#endif

#endif /* CM_CONNECT_H */
