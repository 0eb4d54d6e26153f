/*
 * cli.h: the lookout subcommands. Each takes the arguments after its
 * name (argv[0] is the subcommand) and returns the process exit code:
 * 0 ok, 1 failure, 2 usage.
 */
#ifndef LOOKOUT_CLI_H
#define LOOKOUT_CLI_H

#include <stddef.h>

#define EXIT_USAGE 2

struct app;

int	cmd_init(int argc, char **argv);
int	cmd_serve(int argc, char **argv);
int	cmd_user(int argc, char **argv);
int	cmd_region(int argc, char **argv);
int	cmd_audit(int argc, char **argv);
int	cmd_import(int argc, char **argv);
int	cmd_export(int argc, char **argv);
int	cmd_purge(int argc, char **argv);
int	cmd_backup(int argc, char **argv);
int	cmd_restore(int argc, char **argv);
int	cmd_sheet(int argc, char **argv);
int	cmd_migrate(int argc, char **argv);

/* The retention purge of lookout serve (purge.c): runs it now on a
 * thread of its own, then every 24 hours. purger_start returns NULL with
 * a message printed; purger_stop wakes the thread, waits for a purge in
 * progress to finish, and frees it. */
struct purger;
struct purger	*purger_start(struct app *app);
void		 purger_stop(struct purger *p);

/* Read a password from stdin: prompt with echo off on a terminal (twice
 * when confirm is set), else one line. Returns 0, or -1 with a message
 * printed. The caller wipes buf. */
int	cli_read_password(char *buf, size_t len, int confirm);

/* Print "lookout: " and the message to stderr. */
void	cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
