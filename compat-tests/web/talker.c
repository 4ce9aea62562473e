/*
 * talker.c -- a process of the web view's tests (webview_test.js).
 *
 *   web_talker NAME [PEER...]
 *
 * A small legacy control process using only the public C API: registers
 * NAME, installs handlers for "Tick" and "Status" (the handler types the
 * web view shows), then sends a "Tick" to each PEER every 0.2 s while
 * serving, until SIGTERM or `cm kill`.  So the name server's connects
 * have an edge NAME -> PEER with a rate of about 5 messages a second.
 *
 * "%HH" in NAME or a PEER is the byte 0xHH: a test can name a process with
 * bytes that are not UTF-8, which a command line built from JavaScript
 * strings cannot carry.  Prints "ready" once registered.
 */
#define _POSIX_C_SOURCE 199309L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CmMessage.h>

static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int signal_number)
{
  stop_signal = signal_number;
}

static CmMessageStatus on_message(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)sender;
  (void)serverName;
  return CmMessageOk;
}

/* Decodes "%HH" in place. */
static char *decode(char *text)
{
  char *in = text, *out = text;
  while (*in) {
    if (in[0] == '%' && in[1] && in[2]) {
      char hex[3];
      hex[0] = in[1];
      hex[1] = in[2];
      hex[2] = 0;
      *out++ = (char)strtol(hex, NULL, 16);
      in += 3;
    } else {
      *out++ = *in++;
    }
  }
  *out = 0;
  return text;
}

int main(int argc, char **argv)
{
  struct sigaction action;
  int i;

  if (argc < 2) {
    fprintf(stderr, "usage: web_talker NAME [PEER...]\n");
    return 2;
  }
  for (i = 1; i < argc; i++) decode(argv[i]);
  setvbuf(stdout, NULL, _IOLBF, 0);
  memset(&action, 0, sizeof action);
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);

  if (!CmMessageOpenServer(argv[1])) {
    fprintf(stderr, "web_talker: cannot register '%s'\n", argv[1]);
    return 1;
  }
  CmMessageInstallHandler(on_message, "Tick");
  CmMessageInstallHandler(on_message, "Status");
  printf("ready\n");
  while (!stop_signal) {
    for (i = 2; i < argc; i++) {
      CmMessage tick = CmMessageNew();
      CmMessageSetType(tick, "Tick");
      CmMessagePutInt(tick, i);
      CmMessageSend(tick, argv[i]);
      CmMessageDelete(tick);
    }
    CmMessageWaitWithTimeout(0.2);
  }
  CmMessageCloseServer();
  return 0;
}
