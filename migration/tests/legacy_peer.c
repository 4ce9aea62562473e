/*
 * legacy_peer -- a legacy Cm program for the migration tests, written as any
 * legacy program is: it includes only <CmMessage.h> and links -lcm (the
 * stand-in legacy library).  Modes:
 *
 *   items NAME TARGET      send TARGET one message of every item kind (items.h),
 *                          wait for its reply "Items" and check it: exit 0 if exact
 *   order NAME TARGET N    send TARGET N messages "Seq" (int 0..N-1), then expect
 *                          N "Seq" from TARGET, in order: exit 0 if so
 *   echo NAME              answer each "Ping" (int, long) with "Pong" (same items);
 *                          "Quit" ends it (exit 0)
 *   ping NAME TARGET N     send TARGET N "Ping" (int i, long LONG_MIN or LONG_MAX), one
 *                          at a time, each answered by "Pong" from TARGET with the same
 *                          items within 5 s: exit 0 if all were
 *   hold NAME [TARGET]     hold NAME (send TARGET a "Hello" first, if given) until killed
 *
 * Every mode prints "READY NAME PID" once its server is open, and reports
 * connection and disconnection handler calls as "CONNECTED x" /
 * "DISCONNECTED x".  Exit 3: a time limit passed; 1: a check failed; 2: usage.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CmMessage.h>

#include "items.h"

static int failures = 0;
static int done = 0;
static int expected = 0;  /* order: the next number */
static int total = 0;
static char target[256];

static void on_connect(CmConnect c) { printf("CONNECTED %s\n", CmConnectGetName(c)); fflush(stdout); }
static void on_disconnect(CmConnect c) { printf("DISCONNECTED %s\n", CmConnectGetName(c)); fflush(stdout); }

static void put_items(CmMessage m) {
  int i;
  for (i = 0; i < ITEMS_COUNT(kItemChars); i++) CmMessagePutChar(m, kItemChars[i]);
  for (i = 0; i < ITEMS_COUNT(kItemShorts); i++) CmMessagePutShort(m, kItemShorts[i]);
  for (i = 0; i < ITEMS_COUNT(kItemInts); i++) CmMessagePutInt(m, kItemInts[i]);
  for (i = 0; i < ITEMS_COUNT(kItemLongs); i++) CmMessagePutLong(m, kItemLongs[i]);
  for (i = 0; i < ITEMS_COUNT(kItemFloats); i++) CmMessagePutFloat(m, kItemFloats[i]);
  for (i = 0; i < ITEMS_COUNT(kItemDoubles); i++) CmMessagePutDouble(m, kItemDoubles[i]);
  for (i = 0; i < ITEMS_COUNT(kItemTexts); i++) CmMessagePutText(m, (char *)kItemTexts[i]);
  CmMessagePutBytes(m, (char *)kItemBytes, (int)sizeof kItemBytes);
  CmMessagePutBytes(m, (char *)kItemBytes, 0);
  CmMessagePutArray(m, CmMessageChar, ITEMS_COUNT(kItemChars), (void *)kItemChars);
  CmMessagePutArray(m, CmMessageShort, ITEMS_COUNT(kItemShorts), (void *)kItemShorts);
  CmMessagePutArray(m, CmMessageInt, ITEMS_COUNT(kItemInts), (void *)kItemInts);
  CmMessagePutArray(m, CmMessageLong, ITEMS_COUNT(kItemLongs), (void *)kItemLongs);
  CmMessagePutArray(m, CmMessageFloat, ITEMS_COUNT(kItemFloats), (void *)kItemFloats);
  CmMessagePutArray(m, CmMessageDouble, ITEMS_COUNT(kItemDoubles), (void *)kItemDoubles);
  CmMessagePutArray(m, CmMessageInt, 0, (void *)kItemInts);
}

static void fail(const char *what, int index) {
  printf("MISMATCH %s #%d\n", what, index);
  fflush(stdout);
  failures++;
}

/* Kind first, then the value bit for bit (nan, -0.0). */
#define CHECK_SCALAR(kind, get, table, label)                                        \
  for (i = 0; i < ITEMS_COUNT(table); i++) {                                         \
    if (CmMessageGetItemType(m) != kind) { fail(label " kind", i); return; }         \
    { __typeof__(table[0]) v = get(m);                                               \
      if (memcmp(&v, &table[i], sizeof v) != 0) fail(label, i); }                    \
  }

static void check_array(CmMessage m, CmMessageArrayType want, const void *data, int count, size_t size, int index) {
  CmMessageArrayType type = (CmMessageArrayType)-1;
  int n = -1;
  void *got;
  if (CmMessageGetItemType(m) != CmMessageItemArray) { fail("array kind", index); return; }
  got = CmMessageGetArray(m, &type, &n);
  if (type != want || n != count) { fail("array type/count", index); return; }
  if (count > 0 && (got == NULL || memcmp(got, data, (size_t)count * size) != 0)) fail("array data", index);
}

static void check_items(CmMessage m) {
  int i, size = -1;
  char *bytes;
  CHECK_SCALAR(CmMessageItemChar, CmMessageGetChar, kItemChars, "char")
  CHECK_SCALAR(CmMessageItemShort, CmMessageGetShort, kItemShorts, "short")
  CHECK_SCALAR(CmMessageItemInt, CmMessageGetInt, kItemInts, "int")
  CHECK_SCALAR(CmMessageItemLong, CmMessageGetLong, kItemLongs, "long")
  CHECK_SCALAR(CmMessageItemFloat, CmMessageGetFloat, kItemFloats, "float")
  CHECK_SCALAR(CmMessageItemDouble, CmMessageGetDouble, kItemDoubles, "double")
  for (i = 0; i < ITEMS_COUNT(kItemTexts); i++) {
    char *t;
    if (CmMessageGetItemType(m) != CmMessageItemText) { fail("text kind", i); return; }
    t = CmMessageGetText(m);
    if (kItemTexts[i] == NULL ? t != NULL : (t == NULL || strcmp(t, kItemTexts[i]) != 0)) fail("text", i);
  }
  if (CmMessageGetItemType(m) != CmMessageItemBytes) { fail("bytes kind", 0); return; }
  bytes = CmMessageGetBytes(m, &size);
  if (bytes == NULL || size != (int)sizeof kItemBytes || memcmp(bytes, kItemBytes, sizeof kItemBytes) != 0) fail("bytes", 0);
  if (CmMessageGetItemType(m) != CmMessageItemBytes) { fail("bytes kind", 1); return; }
  bytes = CmMessageGetBytes(m, &size);
  if (bytes == NULL || size != 0) fail("zero-size bytes", 1);
  check_array(m, CmMessageChar, kItemChars, ITEMS_COUNT(kItemChars), sizeof(char), 0);
  check_array(m, CmMessageShort, kItemShorts, ITEMS_COUNT(kItemShorts), sizeof(short), 1);
  check_array(m, CmMessageInt, kItemInts, ITEMS_COUNT(kItemInts), sizeof(int), 2);
  check_array(m, CmMessageLong, kItemLongs, ITEMS_COUNT(kItemLongs), sizeof(long), 3);
  check_array(m, CmMessageFloat, kItemFloats, ITEMS_COUNT(kItemFloats), sizeof(float), 4);
  check_array(m, CmMessageDouble, kItemDoubles, ITEMS_COUNT(kItemDoubles), sizeof(double), 5);
  check_array(m, CmMessageInt, kItemInts, 0, sizeof(int), 6);
  if (CmMessageGetItemType(m) != CmMessageItemTail) fail("extra items", 0);
}

static CmMessageStatus on_items(CmMessage m, char *sender, char *server) {
  (void)server;
  if (strcmp(sender, target) != 0) fail("sender", 0);
  check_items(m);
  printf("ITEMS from %s: %s\n", sender, failures ? "MISMATCH" : "exact");
  done = 1;
  return CmMessageBreak;
}

static CmMessageStatus on_seq(CmMessage m, char *sender, char *server) {
  int n = CmMessageGetInt(m);
  (void)server;
  if (strcmp(sender, target) != 0) fail("sender", n);
  if (n != expected) {
    printf("OUT OF ORDER: got %d, expected %d\n", n, expected);
    failures++;
  }
  expected = n + 1;
  if (expected == total) { done = 1; return CmMessageBreak; }
  return CmMessageOk;
}

static CmMessageStatus on_ping(CmMessage m, char *sender, char *server) {
  CmMessage reply = CmMessageNew();
  int i = CmMessageGetInt(m);
  long l = CmMessageGetLong(m);
  (void)server;
  CmMessageSetType(reply, "Pong");
  CmMessagePutInt(reply, i);
  CmMessagePutLong(reply, l);
  if (!CmMessageSend(reply, sender)) { printf("REPLY to %s FAILED\n", sender); fflush(stdout); }
  CmMessageDelete(reply);
  return CmMessageOk;
}

static int pongs = 0;
static CmMessageStatus on_pong(CmMessage m, char *sender, char *server) {
  int i = CmMessageGetInt(m);
  long l = CmMessageGetLong(m);
  (void)server;
  if (strcmp(sender, target) != 0) fail("pong sender", i);
  if (i != pongs || l != (i % 2 ? LONG_MAX : LONG_MIN)) fail("pong items", i);
  pongs++;
  done = 1;
  return CmMessageBreak;
}

static CmMessageStatus on_quit(CmMessage m, char *sender, char *server) {
  (void)m; (void)sender; (void)server;
  done = 1;
  return CmMessageBreak;
}

/* Sends until accepted (the target may not be registered yet): 10 s at most. */
static int send_retrying(CmMessage m, char *to) {
  int i;
  for (i = 0; i < 200; i++) {
    if (CmMessageSend(m, to)) return 1;
    CmMessageWaitWithTimeout(0.05);
  }
  printf("SEND to %s never accepted\n", to);
  return 0;
}

static int wait_done(double seconds) {
  time_t end = time(NULL) + (time_t)seconds + 1;
  while (!done && time(NULL) < end) CmMessageWaitWithTimeout(0.5);
  return done;
}

int main(int argc, char **argv) {
  const char *mode = argc > 2 ? argv[1] : "";
  CmMessage m;
  if (argc < 3) { fprintf(stderr, "usage: legacy_peer items|order|echo|ping|hold NAME [TARGET [N]]\n"); return 2; }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 3) { strncpy(target, argv[3], sizeof target - 1); }
  CmConnectInstallConnectionHandler(on_connect);
  CmConnectInstallDisconnectionHandler(on_disconnect);
  if (!CmMessageOpenServer(argv[2])) { printf("OPEN %s FAILED\n", argv[2]); return 1; }
  printf("READY %s %d\n", argv[2], (int)getpid());
  m = CmMessageNew();

  if (strcmp(mode, "items") == 0 && argc == 4) {
    CmMessageInstallHandler(on_items, "Items");
    CmMessageSetType(m, "Items");
    put_items(m);
    if (!send_retrying(m, target)) return 1;
    if (!wait_done(20)) { printf("NO REPLY from %s\n", target); return 3; }
  } else if (strcmp(mode, "order") == 0 && argc == 5) {
    int i;
    total = atoi(argv[4]);
    CmMessageInstallHandler(on_seq, "Seq");
    CmMessageSetType(m, "Seq");
    CmMessagePutInt(m, 0);
    if (!send_retrying(m, target)) return 1;
    for (i = 1; i < total; i++) {
      CmMessageReset(m);
      CmMessageSetType(m, "Seq");
      CmMessagePutInt(m, i);
      if (!CmMessageSend(m, target)) { printf("SEND %d FAILED\n", i); return 1; }
    }
    if (!wait_done(30)) { printf("ONLY %d of %d came back\n", expected, total); return 3; }
  } else if (strcmp(mode, "echo") == 0) {
    CmMessageInstallHandler(on_ping, "Ping");
    CmMessageInstallHandler(on_quit, "Quit");
    while (!done) CmMessageWait();
  } else if (strcmp(mode, "ping") == 0 && argc == 5) {
    int i, n = atoi(argv[4]);
    CmMessageInstallHandler(on_pong, "Pong");
    for (i = 0; i < n; i++) {
      CmMessageReset(m);
      CmMessageSetType(m, "Ping");
      CmMessagePutInt(m, i);
      CmMessagePutLong(m, i % 2 ? LONG_MAX : LONG_MIN);
      done = 0;
      if (!(i == 0 ? send_retrying(m, target) : CmMessageSend(m, target))) { printf("PING %d not sent\n", i); return 1; }
      if (!wait_done(5)) { printf("NO PONG %d from %s\n", i, target); return 3; }
    }
    printf("PONGS %d\n", pongs);
  } else if (strcmp(mode, "hold") == 0) {
    if (argc > 3) {
      CmMessageSetType(m, "Hello");
      CmMessagePutText(m, argv[2]);
      if (!send_retrying(m, target)) return 1;
    }
    for (;;) CmMessageWaitWithTimeout(1.0);
  } else {
    fprintf(stderr, "legacy_peer: unknown mode or wrong arguments\n");
    return 2;
  }
  CmMessageDelete(m);
  CmMessageCloseServer();
  printf("DONE %s: %s\n", argv[2], failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
