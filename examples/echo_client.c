/*
 * echo_client.c -- send one request to "echo", print its reply, stop it.
 *
 * Shows every kind of item a Cm message can carry, and request/reply:
 * send, then wait (with a timeout) until the reply handler breaks.
 *
 * Build: cc echo_client.c $(pkg-config --cflags --libs cm)
 */
#include <stdio.h>

#include <CmMessage.h>

static int got_reply = 0;

/* Called inside CmMessageWaitWithTimeout() when the "Reply" arrives. */
static CmMessageStatus on_reply(CmMessage message, char *sender, char *serverName)
{
  char *text = CmMessageGetText(message);
  int items = CmMessageGetInt(message);

  (void)serverName;
  printf("echo_client: \"Reply\" from %s: \"%s\", %d items\n", sender, text ? text : "(null)",
         items);
  got_reply = 1;
  return CmMessageBreak; /* stop waiting: we have our answer */
}

int main(void)
{
  double samples[4] = {0.5, 1.5, 2.5, 3.5};
  char bytes[4] = {'C', 0, 'm', 0}; /* bytes may hold NULs */
  CmMessage request = CmMessageNew();

  /* No CmMessageOpenServer: a client that only sends and waits gets an
   * automatic name, which the server's `sender` argument then holds. */
  CmMessageInstallHandler(on_reply, "Reply");

  CmMessageSetType(request, "Request");
  CmMessagePutChar(request, 'x');
  CmMessagePutShort(request, -2);
  CmMessagePutInt(request, 42);
  CmMessagePutLong(request, 1234567890L);
  CmMessagePutFloat(request, 3.25f);
  CmMessagePutDouble(request, 2.718281828);
  CmMessagePutText(request, "hello, echo");
  CmMessagePutBytes(request, bytes, 4);
  CmMessagePutArray(request, CmMessageDouble, 4, samples); /* copies the array */

  if (!CmMessageSend(request, "echo")) {
    fprintf(stderr, "echo_client: no process named \"echo\" (is echo_server running?)\n");
    return 1;
  }
  printf("echo_client: request sent to echo\n");

  /* Wait at most 5 s for the reply handler to break. */
  if (CmMessageWaitWithTimeout(5.0) != CmMessageBreak || !got_reply)
    fprintf(stderr, "echo_client: no reply within 5 s\n");

  /* Reuse the message to tell the server to stop. */
  CmMessageReset(request);
  CmMessageSetType(request, "Stop");
  CmMessageSend(request, "echo");

  CmMessageDelete(request);
  CmMessageCloseServer(); /* delivers "Stop" before returning */
  return got_reply ? 0 : 1;
}
