/*
 * special_values.c -- infinities and NaN survive, and an array too large
 * for the wire is refused, not cut (issue 21, items 12 and 8).
 *
 *   legacy_special_values server NAME    answer "Specials" until "Stop"
 *   legacy_special_values client SERVER  check locally, then over the wire
 *
 * "Specials" holds +-inf and NaN as floats and doubles, read back as the same
 * kind, widened (float inf read as a double) and narrowed (double -inf read as
 * a float), and one finite double too large for a float, which alone clamps to
 * FLT_MAX.  The server checks what it received and replies "SpecialsReply":
 * int mismatches, then the same items of its own, which the client checks.
 *
 * The client first puts arrays of 4 GiB or more (2^29 + 1 doubles, over
 * reserved memory that is never touched): nothing may be appended, where a
 * 32-bit size once made that array one double long.
 * C99 (INFINITY, NAN), -pedantic like the other legacy programs.
 */
#define _DEFAULT_SOURCE
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <CmMessage.h>

#include "check.h"

/* The items of "Specials", in order. */
static void put_specials(CmMessage m)
{
  CmMessagePutFloat(m, INFINITY);
  CmMessagePutFloat(m, -INFINITY);
  CmMessagePutDouble(m, INFINITY);
  CmMessagePutDouble(m, -INFINITY);
  CmMessagePutFloat(m, NAN);
  CmMessagePutDouble(m, NAN);
  CmMessagePutFloat(m, INFINITY);   /* read as a double */
  CmMessagePutDouble(m, -INFINITY); /* read as a float */
  CmMessagePutDouble(m, 1e300);     /* read as a float: the one clamp */
}

/* Reads the items put_specials() wrote; returns the mismatches. */
static int read_specials(CmMessage m, const char *where)
{
  int bad = 0;
  float f[5];
  double d[4];
  f[0] = CmMessageGetFloat(m);
  f[1] = CmMessageGetFloat(m);
  d[0] = CmMessageGetDouble(m);
  d[1] = CmMessageGetDouble(m);
  f[2] = CmMessageGetFloat(m);
  d[2] = CmMessageGetDouble(m);
  d[3] = CmMessageGetDouble(m);
  f[3] = CmMessageGetFloat(m);
  f[4] = CmMessageGetFloat(m);
  bad += !expect(isinf(f[0]) && f[0] > 0, "%s: PutFloat(INFINITY) reads back as inf (got %g)", where, f[0]);
  bad += !expect(isinf(f[1]) && f[1] < 0, "%s: PutFloat(-INFINITY) reads back as -inf (got %g)", where, f[1]);
  bad += !expect(isinf(d[0]) && d[0] > 0, "%s: PutDouble(INFINITY) reads back as inf (got %g)", where, d[0]);
  bad += !expect(isinf(d[1]) && d[1] < 0, "%s: PutDouble(-INFINITY) reads back as -inf (got %g)", where, d[1]);
  bad += !expect(isnan(f[2]), "%s: PutFloat(NAN) reads back as NaN (got %g)", where, f[2]);
  bad += !expect(isnan(d[2]), "%s: PutDouble(NAN) reads back as NaN (got %g)", where, d[2]);
  bad += !expect(isinf(d[3]) && d[3] > 0, "%s: float inf read as a double is inf (got %g)", where, d[3]);
  bad += !expect(isinf(f[3]) && f[3] < 0, "%s: double -inf read as a float is -inf (got %g)", where, f[3]);
  bad += !expect(f[4] == FLT_MAX, "%s: double 1e300 read as a float clamps to FLT_MAX (got %g)", where, f[4]);
  bad += !expect(CmMessageGetItemType(m) == CmMessageItemTail, "%s: nothing after the specials", where);
  return bad;
}

/* ---- server ---------------------------------------------------------- */

static int requests_seen = 0;

static CmMessageStatus on_specials(CmMessage message, char *sender, char *serverName)
{
  CmMessage reply = CmMessageNew();
  int bad;
  (void)serverName;
  requests_seen++;
  bad = read_specials(message, "server, as received");
  check(bad == 0, "server: every special value arrived as sent (%d mismatches)", bad);
  CmMessageSetType(reply, "SpecialsReply");
  CmMessagePutInt(reply, bad);
  put_specials(reply);
  check(CmMessageSend(reply, sender) == 1, "server: reply sent to \"%s\"", sender);
  CmMessageDelete(reply);
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
  if (!check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name))
    return check_exit();
  CmMessageInstallHandler(on_specials, "Specials");
  CmMessageInstallHandler(on_stop, "Stop");
  printf("READY %s\n", name);
  check(CmMessageWait() == CmMessageBreak, "server: CmMessageWait returns CmMessageBreak on Stop");
  check(requests_seen == 1, "server: 1 Specials received (got %d)", requests_seen);
  CmMessageCloseServer();
  return check_exit();
}

/* ---- client ---------------------------------------------------------- */

static int replies_seen = 0;

static CmMessageStatus on_reply(CmMessage message, char *sender, char *serverName)
{
  int server_bad, bad;
  (void)sender;
  (void)serverName;
  replies_seen++;
  server_bad = CmMessageGetInt(message);
  check(server_bad == 0, "client: the server read every special value (%d mismatches)", server_bad);
  bad = read_specials(message, "client, the reply");
  check(bad == 0, "client: every special value came back as sent (%d mismatches)", bad);
  return CmMessageBreak;
}

/* Arrays of 4 GiB or more cannot travel: Put appends nothing (and logs). */
static void check_huge_arrays(void)
{
  const size_t doubles = ((size_t)1 << 29) + 1; /* 4 GiB + 8 bytes */
  size_t bytes = doubles * sizeof(double);
  CmMessage m = CmMessageNew();
  CmMessageArrayType kind = CmMessageChar;
  int count = 0;
  void *data = mmap(NULL, bytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (!check(data != MAP_FAILED, "client: 4 GiB + 8 bytes of address space reserved"))
    return;
  CmMessageSetType(m, "Huge");
  CmMessagePutExternalArray(m, CmMessageDouble, (int)doubles, data);
  check(CmMessageGetItemType(m) == CmMessageItemTail,
        "client: PutExternalArray of 2^29 + 1 doubles (4 GiB + 8 bytes) appends nothing (got a %s item)",
        item_type_name(CmMessageGetItemType(m)));
  CmMessagePutArray(m, CmMessageDouble, (int)doubles, data);
  check(CmMessageGetItemType(m) == CmMessageItemTail, "client: PutArray of the same appends nothing (got a %s item)",
        item_type_name(CmMessageGetItemType(m)));
  /* Just under: INT_MAX shorts are 4 GiB - 2 bytes, kept whole. */
  CmMessagePutExternalArray(m, CmMessageShort, INT_MAX, data);
  check(CmMessageGetArray(m, &kind, &count) == data && kind == CmMessageShort && count == INT_MAX,
        "client: PutExternalArray of INT_MAX shorts (4 GiB - 2 bytes) is kept whole (count %d)", count);
  CmMessageDelete(m);
  munmap(data, bytes);
}

static int run_client(char *server)
{
  CmMessage m = CmMessageNew();
  double deadline;
  int bad;
  check_huge_arrays();

  CmMessageSetType(m, "Specials");
  put_specials(m);
  bad = read_specials(m, "client, locally");
  check(bad == 0, "client: every special value reads back locally (%d mismatches)", bad);

  CmMessageInstallHandler(on_reply, "SpecialsReply");
  check(CmMessageSend(m, server) == 1, "client: CmMessageSend(Specials, \"%s\") returns 1", server);
  deadline = now_seconds() + 10;
  while (replies_seen == 0 && now_seconds() < deadline)
    CmMessageWaitWithTimeout(deadline - now_seconds());
  check(replies_seen == 1, "client: SpecialsReply received");

  CmMessageReset(m);
  CmMessageSetType(m, "Stop");
  check(CmMessageSend(m, server) == 1, "client: Stop sent");
  CmMessageDelete(m);
  CmMessageCloseServer();
  return check_exit();
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "server") == 0) {
    check_init("special-server");
    return run_server(argv[2]);
  }
  if (argc == 3 && strcmp(argv[1], "client") == 0) {
    check_init("special-client");
    return run_client(argv[2]);
  }
  fprintf(stderr, "usage: legacy_special_values server NAME | client SERVER\n");
  return 2;
}
