/*
 * CmMessage.h -- typed messages between named processes (the Cm interface).
 *
 * A process opens a server under a name in its domain (CMDOMAIN), installs
 * handlers per message type, and waits; other processes send it messages by
 * name.  A message is a type string plus a sequence of typed items read back
 * in order with a cursor.
 *
 * Threads: Cm is single-threaded.  Call everything from one thread; handlers
 * run in that thread, inside CmMessageWait / CmMessageWaitWithTimeout.
 *
 * Wrong use has defined results and never crashes: a NULL message makes Put
 * and Set calls do nothing and Get calls return 0/NULL; a Get past the end or
 * on an item of an incompatible kind returns 0/NULL (and skips that item);
 * each logs a warning once per message type.  See docs/api.md.
 */
#ifndef CM_MESSAGE_H
#define CM_MESSAGE_H

#include "CmDefs.h"
#include "CmConnect.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct CmMessageRec *CmMessage;

/* `message`, `sender` (who sent it) and `serverName` (our own name) are
 * valid only during the call: read or copy, never delete.  Return
 * CmMessageBreak to make the current wait return, CmMessageOk to go on. */
typedef CmMessageStatus (*CmMessageHandler)(CmMessage message, char *sender,
                                            char *serverName);

/* ---- server ---------------------------------------------------------- */

/* Register `name` in the current domain and accept messages.  1 on success;
 * 0 if the name is held by a live process, the name server cannot be
 * reached within a few seconds, the domain is unknown, or the name is bad
 * (empty, over 255 bytes, white space or control characters).  The same
 * name again: 1, nothing done.  Another name while open: 0. */
int CmMessageOpenServer(char *name);

/* Deliver what was sent (waiting at most about a second), unregister, close
 * every connection, forget handlers, free everything.  Safe to call twice. */
void CmMessageCloseServer(void);

/* ---- messages -------------------------------------------------------- */

CmMessage CmMessageNew(void);            /* NULL only when out of memory */
void CmMessageDelete(CmMessage message); /* NULL is ignored */
void CmMessageReset(CmMessage message);  /* empty: items, type and cursor */

/* The type routes the message to a handler.  Up to 255 bytes are kept;
 * longer types are cut, with a log line.  NULL sets the empty type.
 * GetType's string is owned by the message ("" when unset). */
void CmMessageSetType(CmMessage message, char *type);
char *CmMessageGetType(CmMessage message);

/* Append one item.  PutText copies `text`; NULL is allowed and reads back as
 * NULL.  PutBytes copies `size` bytes (NULs allowed).  PutArray copies
 * `count` elements; PutExternalArray only keeps the pointer: the array must
 * stay valid and unchanged until the message's last send, reset or delete. */
void CmMessagePutChar(CmMessage message, char value);
void CmMessagePutShort(CmMessage message, short value);
void CmMessagePutInt(CmMessage message, int value);
void CmMessagePutLong(CmMessage message, long value);
void CmMessagePutFloat(CmMessage message, float value);
void CmMessagePutDouble(CmMessage message, double value);
void CmMessagePutText(CmMessage message, char *text);
void CmMessagePutBytes(CmMessage message, char *bytes, int size);
void CmMessagePutArray(CmMessage message, CmMessageArrayType type, int count,
                       void *data);
void CmMessagePutExternalArray(CmMessage message, CmMessageArrayType type,
                               int count, void *data);

/* Read the next item and advance.  A numeric Get on a numeric item of
 * another kind converts as a C cast would, clamping out-of-range values.
 * Text, bytes and arrays returned are owned by the message and valid until
 * it is reset or deleted.  GetBytes of zero bytes: non-NULL, *size 0. */
char CmMessageGetChar(CmMessage message);
short CmMessageGetShort(CmMessage message);
int CmMessageGetInt(CmMessage message);
long CmMessageGetLong(CmMessage message);
float CmMessageGetFloat(CmMessage message);
double CmMessageGetDouble(CmMessage message);
char *CmMessageGetText(CmMessage message);
char *CmMessageGetBytes(CmMessage message, int *size);
void *CmMessageGetArray(CmMessage message, CmMessageArrayType *type,
                        int *count);

/* The kind of the next item, without advancing; CmMessageItemTail at the end.
 * A NULL text is CmMessageItemText. */
CmMessageItemType CmMessageGetItemType(CmMessage message);

/* ---- sending and waiting --------------------------------------------- */

/* Send to the process registered as `name`.  The message is not consumed.
 * 1: accepted for delivery to a live, registered peer (messages from one
 * sender to one receiver arrive in order).  0: unknown name, peer known to
 * be dead, or not reachable within the send timeout (CM_SEND_TIMEOUT,
 * default 2 s); the reason is logged. */
int CmMessageSend(CmMessage message, char *name);

/* Handlers by message type; a NULL handler uninstalls.  Messages of a type
 * without a handler go to the default handler; without one they are logged,
 * counted and dropped. */
void CmMessageInstallHandler(CmMessageHandler handler, char *type);
void CmMessageUninstallHandler(char *type);
void CmMessageInstallDefaultHandler(CmMessageHandler handler);

/* Dispatch arriving messages until a handler returns CmMessageBreak; then
 * return CmMessageBreak. */
CmMessageStatus CmMessageWait(void);

/* The same, but return CmMessageOk once `seconds` have passed without a
 * break.  0, negative or NaN: dispatch what had arrived, then return. */
CmMessageStatus CmMessageWaitWithTimeout(double seconds);

#ifdef __cplusplus
}
#endif

#endif /* CM_MESSAGE_H */
