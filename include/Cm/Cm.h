/* Cm.h -- umbrella header: everything of the Cm interface. */
#ifndef CM_H
#define CM_H
#include "CmMessage.h"
#endif /* CM_H */
