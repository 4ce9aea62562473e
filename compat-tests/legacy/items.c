/*
 * items.c -- every item type round trips exactly between two processes.
 *
 *   legacy_items server NAME           answer requests until "Stop"
 *   legacy_items client SERVER [NAME]  send requests to SERVER, check replies
 *                                      (no NAME: the automatic name is used)
 *
 * The client sends "ItemsRequest" (every item kind, the extreme values, NULL
 * and empty texts, bytes with NULs and zero bytes, arrays of the 6 kinds both
 * copied and external) twice, with the same message.  The server checks each
 * item and its CmMessageGetItemType, and replies "ItemsReply": int (number of
 * mismatches the server saw) followed by the same items, which the client
 * checks in turn.  Then "BigRequest" (a 2.4 MB double array and a 100 kB
 * text: no payload cap) comes back as "BigReply", its array sent as an
 * external array pointing into the received message.
 * Built twice: C89 (legacy_items) and C99 (legacy_items_c99).
 */
#define _POSIX_C_SOURCE 199309L
#include <float.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CmMessage.h>

#include "check.h"

#define BIG_COUNT 300000
#define LONG_TEXT 100000

/* ---- the reference items --------------------------------------------- */

static char chars[6] = {'a', '\0', 'Z', CHAR_MIN, CHAR_MAX, '\n'};
static short shorts[4] = {SHRT_MIN, -1, 0, SHRT_MAX};
static int ints[4] = {INT_MIN, -1, 0, INT_MAX};
static long longs[5] = {LONG_MIN, -1L, 0L, 1234567890L, LONG_MAX};
static float floats[4];
static double doubles[5];
static char bytes_with_nuls[7] = {'\0', 'a', '\0', '\0', 'b', (char)0xff, '\0'};
static char utf8_text[] = "caf\303\251 \342\202\254";
static char *long_text;
static double *big_array;

static void make_reference_values(void)
{
  int i;
  volatile float third = 1.0f;
  third /= 3.0f; /* computed at run time: an inexact float */
  floats[0] = third;
  floats[1] = -FLT_MAX;
  floats[2] = FLT_MIN;
  floats[3] = 0.0f;
  doubles[0] = 1.0 / 3.0;
  doubles[1] = -DBL_MAX;
  doubles[2] = DBL_MIN;
  doubles[3] = 1e-310; /* subnormal */
  doubles[4] = 6.02214076e23;
  long_text = malloc(LONG_TEXT + 1);
  big_array = malloc(BIG_COUNT * sizeof(double));
  if (!long_text || !big_array) {
    printf("out of memory\n");
    exit(2);
  }
  for (i = 0; i < LONG_TEXT; i++)
    long_text[i] = (char)('a' + i % 26);
  long_text[LONG_TEXT] = '\0';
  for (i = 0; i < BIG_COUNT; i++)
    big_array[i] = i * 0.5 - 1000.0;
}

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* One array of each kind, in CmMessageArrayType order. */
static void *array_data(CmMessageArrayType kind, int *count, size_t *size)
{
  switch (kind) {
  case CmMessageChar: *count = COUNT(chars); *size = sizeof chars; return chars;
  case CmMessageShort: *count = COUNT(shorts); *size = sizeof shorts; return shorts;
  case CmMessageInt: *count = COUNT(ints); *size = sizeof ints; return ints;
  case CmMessageLong: *count = COUNT(longs); *size = sizeof longs; return longs;
  case CmMessageFloat: *count = COUNT(floats); *size = sizeof floats; return floats;
  default: *count = COUNT(doubles); *size = sizeof doubles; return doubles;
  }
}

/* Append the reference items, in a fixed order. */
static void put_all(CmMessage m)
{
  int i, k, count;
  size_t size;
  char scratch[sizeof doubles + sizeof longs];

  for (i = 0; i < COUNT(chars); i++)
    CmMessagePutChar(m, chars[i]);
  for (i = 0; i < COUNT(shorts); i++)
    CmMessagePutShort(m, shorts[i]);
  for (i = 0; i < COUNT(ints); i++)
    CmMessagePutInt(m, ints[i]);
  for (i = 0; i < COUNT(longs); i++)
    CmMessagePutLong(m, longs[i]);
  for (i = 0; i < COUNT(floats); i++)
    CmMessagePutFloat(m, floats[i]);
  for (i = 0; i < COUNT(doubles); i++)
    CmMessagePutDouble(m, doubles[i]);
  CmMessagePutText(m, "hello, Cm");
  CmMessagePutText(m, NULL);
  CmMessagePutText(m, "");
  CmMessagePutText(m, utf8_text);
  CmMessagePutBytes(m, bytes_with_nuls, (int)sizeof bytes_with_nuls);
  CmMessagePutBytes(m, bytes_with_nuls, 0);
  /* PutArray copies: put from a scratch buffer, then scribble over it. */
  for (k = CmMessageChar; k <= CmMessageDouble; k++) {
    void *data = array_data((CmMessageArrayType)k, &count, &size);
    memcpy(scratch, data, size);
    CmMessagePutArray(m, (CmMessageArrayType)k, count, scratch);
    memset(scratch, 0x5a, sizeof scratch);
  }
  /* PutExternalArray references the (static, unchanged) arrays. */
  for (k = CmMessageChar; k <= CmMessageDouble; k++) {
    void *data = array_data((CmMessageArrayType)k, &count, &size);
    CmMessagePutExternalArray(m, (CmMessageArrayType)k, count, data);
  }
}

/* Peek the next item's kind; prints a FAIL line on a mismatch. */
static int expect_type(CmMessage m, CmMessageItemType want, const char *who, int index)
{
  CmMessageItemType got = CmMessageGetItemType(m);
  return expect(got == want, "%s: item %d is %s, GetItemType says %s", who, index,
                item_type_name(want), item_type_name(got));
}

static int expect_text(CmMessage m, const char *want, const char *who, int index)
{
  char *got;
  int ok = expect_type(m, CmMessageItemText, who, index);
  got = CmMessageGetText(m);
  if (want == NULL)
    return expect(ok && got == NULL, "%s: item %d: NULL text reads back as NULL (got %s%s%s)",
                  who, index, got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
  return expect(ok && got != NULL && strcmp(got, want) == 0,
                "%s: item %d: text \"%.40s\" (got %s%.40s%s)", who, index, want,
                got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
}

static int expect_bytes(CmMessage m, const char *want, int size, const char *who, int index)
{
  int got_size = -1;
  char *got;
  int ok = expect_type(m, CmMessageItemBytes, who, index);
  got = CmMessageGetBytes(m, &got_size);
  return expect(ok && got != NULL && got_size == size && memcmp(got, want, (size_t)size) == 0,
                "%s: item %d: %d bytes (got %s, size %d)", who, index, size,
                got ? "data" : "NULL", got_size);
}

static int expect_array(CmMessage m, CmMessageArrayType kind, const void *want, int count,
                        size_t size, const char *who, int index)
{
  CmMessageArrayType got_kind = (CmMessageArrayType)-1;
  int got_count = -1;
  void *got;
  int ok = expect_type(m, CmMessageItemArray, who, index);
  got = CmMessageGetArray(m, &got_kind, &got_count);
  return expect(ok && got != NULL && got_kind == kind && got_count == count &&
                    memcmp(got, want, size) == 0,
                "%s: item %d: array of kind %d, %d elements (got %s, kind %d, count %d%s)", who,
                index, (int)kind, count, got ? "data" : "NULL", (int)got_kind, got_count,
                got && got_kind == kind && got_count == count && memcmp(got, want, size) != 0
                    ? ", contents differ"
                    : "");
}

/* Read back what put_all() wrote; returns the number of mismatches. */
static int verify_all(CmMessage m, const char *who)
{
  int i, k, count, n = 0, bad = 0;
  size_t size;

  for (i = 0; i < COUNT(chars); i++, n++) {
    char got;
    bad += !expect_type(m, CmMessageItemChar, who, n);
    got = CmMessageGetChar(m);
    bad += !expect(got == chars[i], "%s: item %d: char %d (got %d)", who, n, chars[i], got);
  }
  for (i = 0; i < COUNT(shorts); i++, n++) {
    short got;
    bad += !expect_type(m, CmMessageItemShort, who, n);
    got = CmMessageGetShort(m);
    bad += !expect(got == shorts[i], "%s: item %d: short %d (got %d)", who, n, shorts[i], got);
  }
  for (i = 0; i < COUNT(ints); i++, n++) {
    int got;
    bad += !expect_type(m, CmMessageItemInt, who, n);
    got = CmMessageGetInt(m);
    bad += !expect(got == ints[i], "%s: item %d: int %d (got %d)", who, n, ints[i], got);
  }
  for (i = 0; i < COUNT(longs); i++, n++) {
    long got;
    bad += !expect_type(m, CmMessageItemLong, who, n);
    got = CmMessageGetLong(m);
    bad += !expect(got == longs[i], "%s: item %d: long %ld (got %ld)", who, n, longs[i], got);
  }
  for (i = 0; i < COUNT(floats); i++, n++) {
    float got;
    bad += !expect_type(m, CmMessageItemFloat, who, n);
    got = CmMessageGetFloat(m);
    bad += !expect(got == floats[i], "%s: item %d: float %.9g (got %.9g)", who, n,
                   (double)floats[i], (double)got);
  }
  for (i = 0; i < COUNT(doubles); i++, n++) {
    double got;
    bad += !expect_type(m, CmMessageItemDouble, who, n);
    got = CmMessageGetDouble(m);
    bad += !expect(got == doubles[i], "%s: item %d: double %.17g (got %.17g)", who, n,
                   doubles[i], got);
  }
  bad += !expect_text(m, "hello, Cm", who, n++);
  bad += !expect_text(m, NULL, who, n++);
  bad += !expect_text(m, "", who, n++);
  bad += !expect_text(m, utf8_text, who, n++);
  bad += !expect_bytes(m, bytes_with_nuls, (int)sizeof bytes_with_nuls, who, n++);
  bad += !expect_bytes(m, "", 0, who, n++);
  for (i = 0; i < 2; i++) /* copied, then external */
    for (k = CmMessageChar; k <= CmMessageDouble; k++) {
      void *data = array_data((CmMessageArrayType)k, &count, &size);
      bad += !expect_array(m, (CmMessageArrayType)k, data, count, size, who, n++);
    }
  bad += !expect_type(m, CmMessageItemTail, who, n);
  bad += !expect(CmMessageGetInt(m) == 0, "%s: GetInt past the end gives 0", who);
  check(bad == 0, "%s: %d items, each with its GetItemType, read back exactly", who, n);
  return bad;
}

static int verify_big(CmMessage m, const char *who)
{
  int bad = 0;
  bad += !expect_text(m, long_text, who, 0);
  bad += !expect_array(m, CmMessageDouble, big_array, BIG_COUNT, BIG_COUNT * sizeof(double),
                       who, 1);
  bad += !expect_type(m, CmMessageItemTail, who, 2);
  check(bad == 0, "%s: %d kB text and %d-double array read back exactly", who, LONG_TEXT / 1000,
        BIG_COUNT);
  return bad;
}

/* ---- server ---------------------------------------------------------- */

static char *server_name; /* ours in the server, the peer's in the client */
static int requests_seen = 0, big_seen = 0;

static void reply_to(CmMessage reply, char *sender)
{
  check(CmMessageSend(reply, sender) == 1, "reply %s to %s accepted (Send returned 1)",
        CmMessageGetType(reply), sender);
  CmMessageDelete(reply);
}

static CmMessageStatus on_items_request(CmMessage message, char *sender, char *serverName)
{
  CmMessage reply = CmMessageNew();
  int bad;
  requests_seen++;
  check(sender != NULL && sender[0] != '\0', "handler gets a sender name (\"%s\")",
        sender ? sender : "NULL");
  check(serverName != NULL && strcmp(serverName, server_name) == 0,
        "handler gets our own name as serverName (\"%s\")", serverName ? serverName : "NULL");
  check(strcmp(CmMessageGetType(message), "ItemsRequest") == 0,
        "GetType in the handler is \"ItemsRequest\"");
  bad = verify_all(message, "request as received");
  CmMessageSetType(reply, "ItemsReply");
  CmMessagePutInt(reply, bad);
  put_all(reply);
  reply_to(reply, sender);
  return CmMessageOk;
}

static CmMessageStatus on_big_request(CmMessage message, char *sender, char *serverName)
{
  CmMessage reply = CmMessageNew();
  CmMessageArrayType kind = CmMessageChar;
  int count = 0, bad = 0;
  char *text;
  void *data;
  (void)serverName;
  big_seen++;
  text = CmMessageGetText(message);
  data = CmMessageGetArray(message, &kind, &count);
  bad += !expect(text != NULL && strcmp(text, long_text) == 0, "big request: the long text");
  bad += !expect(data != NULL && kind == CmMessageDouble && count == BIG_COUNT &&
                     memcmp(data, big_array, BIG_COUNT * sizeof(double)) == 0,
                 "big request: the double array (got %s, kind %d, count %d)",
                 data ? "data" : "NULL", (int)kind, count);
  bad += !expect(CmMessageGetItemType(message) == CmMessageItemTail, "big request: 2 items");
  check(bad == 0, "big request as received: %d kB text and %d-double array exact",
        LONG_TEXT / 1000, BIG_COUNT);
  CmMessageSetType(reply, "BigReply");
  CmMessagePutInt(reply, bad);
  CmMessagePutText(reply, text);
  /* An external array pointing into the received message: valid during
   * this handler, which is when the reply is sent. */
  if (data)
    CmMessagePutExternalArray(reply, kind, count, data);
  reply_to(reply, sender);
  return CmMessageOk;
}

static CmMessageStatus on_stop(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  return CmMessageBreak;
}

static int run_server(char *name)
{
  server_name = name;
  if (!check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name))
    return check_exit();
  CmMessageInstallHandler(on_items_request, "ItemsRequest");
  CmMessageInstallHandler(on_big_request, "BigRequest");
  CmMessageInstallHandler(on_stop, "Stop");
  printf("READY %s\n", name);
  check(CmMessageWait() == CmMessageBreak, "CmMessageWait returns CmMessageBreak on Stop");
  check(requests_seen == 2, "2 ItemsRequest received (got %d)", requests_seen);
  check(big_seen == 1, "1 BigRequest received (got %d)", big_seen);
  CmMessageCloseServer();
  return check_exit();
}

/* ---- client ---------------------------------------------------------- */

static int replies_seen = 0, big_replies_seen = 0, replies_wanted = 0;

static CmMessageStatus on_items_reply(CmMessage message, char *sender, char *serverName)
{
  int server_bad;
  (void)serverName;
  replies_seen++;
  check(strcmp(sender, server_name) == 0, "reply %d comes from \"%s\" (sender \"%s\")",
        replies_seen, server_name, sender);
  check(CmMessageGetItemType(message) == CmMessageItemInt, "reply starts with an int");
  server_bad = CmMessageGetInt(message);
  check(server_bad == 0, "server saw every item of request %d exactly (%d mismatches)",
        replies_seen, server_bad);
  verify_all(message, "reply as received");
  return replies_seen >= replies_wanted ? CmMessageBreak : CmMessageOk;
}

static CmMessageStatus on_big_reply(CmMessage message, char *sender, char *serverName)
{
  int server_bad;
  (void)sender;
  (void)serverName;
  big_replies_seen++;
  server_bad = CmMessageGetInt(message);
  check(server_bad == 0, "server saw the big request exactly (%d mismatches)", server_bad);
  verify_big(message, "big reply as received");
  return CmMessageBreak;
}

/* Wait up to `seconds` for a handler to break. */
static int wait_for_break(double seconds)
{
  double deadline = now_seconds() + seconds;
  while (now_seconds() < deadline)
    if (CmMessageWaitWithTimeout(deadline - now_seconds()) == CmMessageBreak)
      return 1;
  return 0;
}

static int run_client(char *server, char *name)
{
  CmMessage m = CmMessageNew(), local = CmMessageNew();
  server_name = server;
  if (name && !check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name))
    return check_exit();
  if (!name)
    note("no CmMessageOpenServer: the library gives this process an automatic name");
  CmMessageInstallHandler(on_items_reply, "ItemsReply");
  CmMessageInstallHandler(on_big_reply, "BigReply");

  /* The same items read back in this process first. */
  put_all(local);
  verify_all(local, "local message");
  CmMessageDelete(local);

  CmMessageSetType(m, "ItemsRequest");
  check(strcmp(CmMessageGetType(m), "ItemsRequest") == 0, "GetType gives what SetType set");
  put_all(m);
  replies_wanted = 2;
  check(CmMessageSend(m, server) == 1, "CmMessageSend(ItemsRequest, \"%s\") returns 1", server);
  check(CmMessageSend(m, server) == 1, "the same message sent again returns 1 (not consumed)");
  check(wait_for_break(10.0), "both ItemsReply arrive within 10 s");
  check(replies_seen == 2, "2 ItemsReply received (got %d)", replies_seen);

  CmMessageReset(m);
  check(CmMessageGetItemType(m) == CmMessageItemTail, "after Reset no item is left");
  check(strcmp(CmMessageGetType(m), "") == 0, "after Reset the type is \"\"");
  CmMessageSetType(m, "BigRequest");
  CmMessagePutText(m, long_text);
  CmMessagePutArray(m, CmMessageDouble, BIG_COUNT, big_array);
  check(CmMessageSend(m, server) == 1, "CmMessageSend(BigRequest: %d bytes of payload) returns 1",
        (int)(LONG_TEXT + BIG_COUNT * sizeof(double)));
  check(wait_for_break(20.0), "BigReply arrives within 20 s");
  check(big_replies_seen == 1, "1 BigReply received (got %d)", big_replies_seen);

  CmMessageReset(m);
  CmMessageSetType(m, "Stop");
  check(CmMessageSend(m, server) == 1, "Stop sent");
  CmMessageDelete(m);
  CmMessageCloseServer();
  return check_exit();
}

int main(int argc, char **argv)
{
  make_reference_values();
  if (argc == 3 && strcmp(argv[1], "server") == 0) {
    check_init("items-server");
    return run_server(argv[2]);
  }
  if ((argc == 3 || argc == 4) && strcmp(argv[1], "client") == 0) {
    check_init("items-client");
    return run_client(argv[2], argc == 4 ? argv[3] : NULL);
  }
  fprintf(stderr, "usage: legacy_items server NAME | client SERVER [NAME]\n");
  return 2;
}
