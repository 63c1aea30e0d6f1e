/*
 * cofetch/export.h - what libcofetch exports.
 *
 * The library is built with hidden symbol visibility: only declarations between
 * CF_API_BEGIN and CF_API_END (each public header wraps its calls in them) are
 * exported from libcofetch.so. They also give the declarations C linkage in C++.
 */
#ifndef COFETCH_EXPORT_H
#define COFETCH_EXPORT_H

#ifdef __cplusplus
#define CF_API_EXTERN_C_BEGIN extern "C" {
#define CF_API_EXTERN_C_END   }
#else
#define CF_API_EXTERN_C_BEGIN
#define CF_API_EXTERN_C_END
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CF_API_BEGIN _Pragma("GCC visibility push(default)") CF_API_EXTERN_C_BEGIN
#define CF_API_END   CF_API_EXTERN_C_END _Pragma("GCC visibility pop")
#else
#define CF_API_BEGIN CF_API_EXTERN_C_BEGIN
#define CF_API_END   CF_API_EXTERN_C_END
#endif

#endif
