/*
 * A "legacy library" with only part of the Cm API: the companion must refuse
 * it and name what is missing.
 */
#include <stddef.h>

void *CmMessageNew(void) { return NULL; }
void CmMessageDelete(void *message) { (void)message; }
int CmMessageOpenServer(char *name) { (void)name; return 0; }
