/* A header written the way 1990s C libraries were: abi_check_test.sh reads
   it with `cm abi-check --dump` to check the parser on what a site's legacy
   headers may hold (macros in front of declarations, K&R declarations,
   #if 0, attributes, function pointers, arrays, enum expressions, #define
   constants).  Not a real legacy header. */
#ifndef LEGACY_STYLE_H
#define LEGACY_STYLE_H
#include <stdio.h>
#define CmStyleMaxName 80
#define CmStyleFlag (1 << 3)
#define CmStyleNotANumber "text"
#define CM_EXPORT
#define CmStyleMacro(x) ((x) + 1)
#if 0
int CmStyleIgnored(double x);
#else
int CmStyleKept(void);
#endif
typedef struct _CmStyle *CmStyle;
typedef enum { CmStyleOk, CmStyleBreak } CmStyleStatus;
typedef enum _CmStyleKind {
  CmStyleKindA = 'a',
  CmStyleKindB,                          /* implicit: 98 */
  CmStyleKindC = CmStyleKindA + 10,
  CmStyleKindD = CmStyleMaxName * 2
} CmStyleKind;
typedef CmStyleStatus (*CmStyleHandler) (CmStyle message, char *sender, char *serverName);
#ifdef __cplusplus
extern "C" {
#endif
CM_EXPORT int CmStyleOpen (char* name);
extern void CmStyleClose ();
void CmStylePut(CmStyle message, const char *bytes, int size) __attribute__((nonnull(1)));
void CmStyleInstall (CmStyleHandler handler, char* type);
void CmStyleLog (const char *format, ...);
int CmStyleArrays (int values[10], char **names, void (*cb)(int, double));
static inline int CmStyleInline (int x) { return x + 1; }
unsigned long int CmStyleCount (short int s, unsigned u), CmStyleOther(void);
#ifdef __cplusplus
}
#endif
#endif
