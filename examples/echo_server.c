/*
 * echo_server.c -- a minimal Cm server.
 *
 * Registers as "echo", prints every item of each "Request" it receives,
 * answers the sender with a "Reply", and exits on "Stop".
 *
 *   CmNameServer &        (or CM_NAMESERVER=tcp://host:port for another one)
 *   ./echo_server &
 *   ./echo_client
 *
 * Build: cc echo_server.c $(pkg-config --cflags --libs cm)
 */
#include <stdio.h>

#include <CmMessage.h>

/* Called inside CmMessageWait() for every message of type "Request".
 * `sender` is the name to reply to.  The message belongs to Cm: read it,
 * never delete it. */
static CmMessageStatus on_request(CmMessage message, char *sender, char *serverName)
{
  CmMessage reply;
  int items = 0;

  printf("echo_server (%s): \"%s\" from %s\n", serverName, CmMessageGetType(message), sender);

  /* Read the items in order, asking each one's type first. */
  while (CmMessageGetItemType(message) != CmMessageItemTail) {
    items++;
    switch (CmMessageGetItemType(message)) {
    case CmMessageItemChar:
      printf("  char   '%c'\n", CmMessageGetChar(message));
      break;
    case CmMessageItemShort:
      printf("  short  %d\n", CmMessageGetShort(message));
      break;
    case CmMessageItemInt:
      printf("  int    %d\n", CmMessageGetInt(message));
      break;
    case CmMessageItemLong:
      printf("  long   %ld\n", CmMessageGetLong(message));
      break;
    case CmMessageItemFloat:
      printf("  float  %g\n", CmMessageGetFloat(message));
      break;
    case CmMessageItemDouble:
      printf("  double %g\n", CmMessageGetDouble(message));
      break;
    case CmMessageItemText: {
      char *text = CmMessageGetText(message); /* may be NULL */
      printf("  text   \"%s\"\n", text ? text : "(null)");
      break;
    }
    case CmMessageItemBytes: {
      int size, i;
      unsigned char *bytes = (unsigned char *)CmMessageGetBytes(message, &size);
      printf("  bytes  %d:", size);
      for (i = 0; i < size; i++)
        printf(" %02x", bytes[i]);
      printf("\n");
      break;
    }
    case CmMessageItemArray: {
      CmMessageArrayType type;
      int count, i;
      void *data = CmMessageGetArray(message, &type, &count); /* owned by the message */
      printf("  array  %d elements:", count);
      if (type == CmMessageDouble)
        for (i = 0; i < count; i++)
          printf(" %g", ((double *)data)[i]);
      else
        printf(" (not doubles)");
      printf("\n");
      break;
    }
    default: /* CmMessageItemTail: the loop ends */
      break;
    }
  }

  /* Answer the sender; the message is ours, so we delete it. */
  reply = CmMessageNew();
  CmMessageSetType(reply, "Reply");
  CmMessagePutText(reply, "got your request");
  CmMessagePutInt(reply, items);
  if (!CmMessageSend(reply, sender))
    printf("echo_server: could not reply to %s\n", sender);
  CmMessageDelete(reply);
  fflush(stdout);
  return CmMessageOk; /* keep waiting */
}

static CmMessageStatus on_stop(CmMessage message, char *sender, char *serverName)
{
  (void)message;
  (void)serverName;
  printf("echo_server: \"Stop\" from %s\n", sender);
  return CmMessageBreak; /* makes CmMessageWait() return */
}

int main(void)
{
  if (!CmMessageOpenServer("echo")) {
    fprintf(stderr, "echo_server: cannot register as \"echo\" (name server running? name taken?)\n");
    return 1;
  }
  CmMessageInstallHandler(on_request, "Request");
  CmMessageInstallHandler(on_stop, "Stop");
  printf("echo_server: waiting for messages\n");
  fflush(stdout);

  CmMessageWait(); /* runs the handlers until one returns CmMessageBreak */

  CmMessageCloseServer();
  return 0;
}
