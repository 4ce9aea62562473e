/*
 * handlers.c -- handlers by type, the default handler, uninstalling, and
 * the two wait calls, between two processes.
 *
 *   legacy_handlers receiver NAME SENDER
 *   legacy_handlers sender NAME RECEIVER
 *
 * The sender sends a few messages per phase and waits for the receiver's
 * "Ack" (int phase) before the next phase; the receiver changes its
 * handlers between phases:
 *   1. handlers for "TypeA" (keeps waiting) and "TypeBreak" (breaks), and a
 *      default handler: A, A, Other, Break -> CmMessageWait returns Break
 *      after A twice and Other once in the default handler;
 *   2. "TypeA" uninstalled: A, Break -> A goes to the default handler;
 *   3. "TypeA" installed twice (the second replaces the first), default
 *      handler removed: A, Other, Break -> A in the new handler, Other
 *      dropped;
 *   4. nothing sent: CmMessageWaitWithTimeout(0.3) returns CmMessageOk after
 *      0.29..0.9 s; with 0, -1 and NaN it returns at once;
 *   5. C (its handler breaks) arrives while the receiver sleeps outside Cm;
 *      CmMessageWaitWithTimeout(0) then dispatches it and returns Break.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <string.h>

#include <CmMessage.h>

#include "check.h"

static char *peer; /* the other process's name */

/* Wait up to `seconds` for a handler to break. */
static int wait_for_break(double seconds)
{
  double deadline = now_seconds() + seconds;
  while (now_seconds() < deadline)
    if (CmMessageWaitWithTimeout(deadline - now_seconds()) == CmMessageBreak)
      return 1;
  return 0;
}

static void send_int(char *type, int value)
{
  CmMessage m = CmMessageNew();
  CmMessageSetType(m, type);
  CmMessagePutInt(m, value);
  check(CmMessageSend(m, peer) == 1, "CmMessageSend(%s %d, \"%s\") returns 1", type, value, peer);
  CmMessageDelete(m);
}

/* ---- receiver -------------------------------------------------------- */

static int count_a = 0, count_a2 = 0, count_break = 0, count_default = 0, count_c = 0;
static int wrong_sender = 0;
static char last_default_type[64];

static void note_sender(char *sender)
{
  if (sender == NULL || strcmp(sender, peer) != 0) {
    wrong_sender++;
    note("sender is \"%s\", expected \"%s\"", sender ? sender : "NULL", peer);
  }
}

static CmMessageStatus on_a(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)serverName;
  note_sender(sender);
  count_a++;
  return CmMessageOk;
}

static CmMessageStatus on_a2(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)serverName;
  note_sender(sender);
  count_a2++;
  return CmMessageOk;
}

static CmMessageStatus on_break(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)serverName;
  note_sender(sender);
  count_break++;
  return CmMessageBreak;
}

static CmMessageStatus on_c(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)serverName;
  note_sender(sender);
  count_c++;
  return CmMessageBreak;
}

static CmMessageStatus on_default(CmMessage message, char *sender, char *serverName)
{
  (void)serverName;
  note_sender(sender);
  count_default++;
  strncpy(last_default_type, CmMessageGetType(message), sizeof last_default_type - 1);
  return CmMessageOk;
}

/* Time one CmMessageWaitWithTimeout(seconds) with nothing arriving. */
static void timed_wait(double seconds, const char *shown, double min, double max)
{
  double t0 = now_seconds(), dt;
  CmMessageStatus status = CmMessageWaitWithTimeout(seconds);
  dt = now_seconds() - t0;
  check(status == CmMessageOk, "CmMessageWaitWithTimeout(%s) returns CmMessageOk (got %d)", shown,
        (int)status);
  check(dt >= min && dt < max, "CmMessageWaitWithTimeout(%s) took %.3f s (expected %.2f..%.2f)",
        shown, dt, min, max);
}

static int run_receiver(char *name)
{
  volatile double zero = 0.0;
  double t0, dt;
  CmMessageStatus status;

  if (!check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name))
    return check_exit();
  CmMessageInstallHandler(on_a, "TypeA");
  CmMessageInstallHandler(on_break, "TypeBreak");
  CmMessageInstallHandler(on_c, "TypeC");
  CmMessageInstallDefaultHandler(on_default);
  printf("READY %s\n", name);

  /* 1 */
  check(CmMessageWait() == CmMessageBreak, "phase 1: CmMessageWait returns CmMessageBreak");
  check(count_a == 2, "phase 1: TypeA handler called twice (got %d)", count_a);
  check(count_default == 1 && strcmp(last_default_type, "TypeOther") == 0,
        "phase 1: default handler called once, for TypeOther (got %d, \"%s\")", count_default,
        last_default_type);
  check(count_break == 1, "phase 1: TypeBreak handler called once (got %d)", count_break);

  /* 2 */
  CmMessageUninstallHandler("TypeA");
  send_int("Ack", 1);
  check(CmMessageWait() == CmMessageBreak, "phase 2: CmMessageWait returns CmMessageBreak");
  check(count_a == 2, "phase 2: uninstalled TypeA handler not called (count %d)", count_a);
  check(count_default == 2 && strcmp(last_default_type, "TypeA") == 0,
        "phase 2: TypeA went to the default handler (got %d, \"%s\")", count_default,
        last_default_type);

  /* 3 */
  CmMessageInstallHandler(on_a, "TypeA");
  CmMessageInstallHandler(on_a2, "TypeA");
  CmMessageInstallDefaultHandler(NULL);
  send_int("Ack", 2);
  check(CmMessageWait() == CmMessageBreak, "phase 3: CmMessageWait returns CmMessageBreak");
  check(count_a2 == 1 && count_a == 2,
        "phase 3: the second TypeA handler replaced the first (new %d, old %d)", count_a2,
        count_a);
  check(count_default == 2, "phase 3: no default handler: TypeOther dropped (count %d)",
        count_default);
  check(count_break == 3, "phase 3: TypeBreak handler called 3 times in all (got %d)",
        count_break);

  /* 4 */
  send_int("Ack", 3);
  timed_wait(0.3, "0.3", 0.29, 0.9);
  timed_wait(0.0, "0", 0.0, 0.1);
  timed_wait(-1.0, "-1", 0.0, 0.1);
  timed_wait(zero / zero, "NaN", 0.0, 0.1);

  /* 5 */
  send_int("Ack", 4);
  sleep_seconds(1.0); /* TypeC arrives meanwhile; no handler runs outside the wait calls */
  check(count_c == 0, "phase 5: nothing dispatched outside the wait calls");
  t0 = now_seconds();
  status = CmMessageWaitWithTimeout(0);
  dt = now_seconds() - t0;
  check(count_c == 1, "phase 5: CmMessageWaitWithTimeout(0) dispatched the waiting TypeC");
  check(status == CmMessageBreak, "phase 5: ... and returned its handler's CmMessageBreak (got %d)",
        (int)status);
  check(dt < 0.1, "phase 5: ... at once (%.3f s)", dt);

  check(wrong_sender == 0, "every handler got the sender's name \"%s\"", peer);
  send_int("Ack", 5);
  CmMessageCloseServer();
  return check_exit();
}

/* ---- sender ---------------------------------------------------------- */

static int last_ack = 0;

static CmMessageStatus on_ack(CmMessage message, char *sender, char *serverName)
{
  (void)sender;
  (void)serverName;
  last_ack = CmMessageGetInt(message);
  return CmMessageBreak;
}

static void send_types(const char *types[])
{
  int i;
  for (i = 0; types[i]; i++)
    send_int((char *)types[i], i);
}

static void wait_ack(int phase)
{
  check(wait_for_break(15.0) && last_ack == phase, "Ack %d received (last: %d)", phase, last_ack);
}

static int run_sender(char *name)
{
  static const char *phase1[] = {"TypeA", "TypeA", "TypeOther", "TypeBreak", NULL};
  static const char *phase2[] = {"TypeA", "TypeBreak", NULL};
  static const char *phase3[] = {"TypeA", "TypeOther", "TypeBreak", NULL};
  static const char *phase5[] = {"TypeC", NULL};

  if (!check(CmMessageOpenServer(name) == 1, "CmMessageOpenServer(\"%s\") returns 1", name))
    return check_exit();
  CmMessageInstallHandler(on_ack, "Ack");
  send_types(phase1);
  wait_ack(1);
  send_types(phase2);
  wait_ack(2);
  send_types(phase3);
  wait_ack(3);
  wait_ack(4); /* the receiver times its waits meanwhile */
  send_types(phase5);
  wait_ack(5);
  CmMessageCloseServer();
  return check_exit();
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "receiver") == 0) {
    check_init("handlers-receiver");
    peer = argv[3];
    return run_receiver(argv[2]);
  }
  if (argc == 4 && strcmp(argv[1], "sender") == 0) {
    check_init("handlers-sender");
    peer = argv[3];
    return run_sender(argv[2]);
  }
  fprintf(stderr, "usage: legacy_handlers receiver NAME SENDER | sender NAME RECEIVER\n");
  return 2;
}
