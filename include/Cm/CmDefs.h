/*
 * CmDefs.h -- every constant of the legacy Cm interface in one place.
 *
 * The real Cm headers are not available to us.  The enum ORDERS below are
 * documented by Cm; the numeric VALUES of CmMessageStatus and the limits are
 * our choice ([chosen] in shared/cm-api.md).  A site that holds the original
 * header compares it with this file and adjusts here, in one edit.
 *
 * C89 clean; included by CmMessage.h and CmConnect.h.
 */
#ifndef CM_DEFS_H
#define CM_DEFS_H

/* Returned by handlers and by the wait calls.  [chosen values] */
typedef enum {
  CmMessageOk = 0,    /* handler: keep waiting; wait: timed out, no break */
  CmMessageBreak = 1  /* handler: make the current wait return            */
} CmMessageStatus;

/* What CmMessageGetItemType() reports for the next item.  [documented order] */
typedef enum {
  CmMessageItemChar = 0,
  CmMessageItemShort,
  CmMessageItemInt,
  CmMessageItemLong,
  CmMessageItemFloat,
  CmMessageItemDouble,
  CmMessageItemArray,
  CmMessageItemText,
  CmMessageItemBytes,
  CmMessageItemTail /* no item is left */
} CmMessageItemType;

/* Element type of an array item.  [documented order] */
typedef enum {
  CmMessageChar = 0,
  CmMessageShort,
  CmMessageInt,
  CmMessageLong,
  CmMessageFloat,
  CmMessageDouble
} CmMessageArrayType;

/* Longest process name and message type kept whole (bytes, without NUL).
 * Legacy Cm cut types at 16 characters; we keep 255 and cut longer ones
 * with a log line.  [chosen] */
#define CM_NAME_MAX 255
#define CM_TYPE_MAX 255

#endif /* CM_DEFS_H */
