/*
 * tmpfile.h - an unlinked temporary file for data a run holds for a while.
 */
#ifndef CLI_TMPFILE_H
#define CLI_TMPFILE_H

/* A new file in $TMPDIR (else /tmp), already unlinked (O_TMPFILE, or mkostemp and
 * unlink where the file system has no O_TMPFILE), open for reading and writing. The
 * descriptor, or -1 with errno set. */
int tmpfile_open(void);

#endif
