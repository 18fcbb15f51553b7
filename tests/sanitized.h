/*
 * SANITIZED: 1 in an AddressSanitizer or UBSan build.  Such a binary reserves
 * terabytes of shadow address space at start-up, so a test that bounds the
 * mmusim it starts with RLIMIT_AS must not bound it there.
 */
#ifndef MMUSIM_TESTS_SANITIZED_H
#define MMUSIM_TESTS_SANITIZED_H

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#endif
