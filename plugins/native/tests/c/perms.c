/* A plugin for the permission tests, built with -DPERMS='"…"' (what it declares) and
 * -DNAME='"…"'. /tryrun asks the host to run `/run true`; /trycmd LINE runs any line. Each
 * prints what happened: "NAME: ran LINE" or "NAME: refused LINE: <last_error>". */
#include <stdio.h>
#include "rustirc_plugin.h"

#ifndef NAME
#define NAME "permtest"
#endif

static const rustirc_plugin_info info = {
    RUSTIRC_ABI_MAJOR, RUSTIRC_ABI_MINOR, NAME, "1.0", "tests",
    "Asks the host to start a program", PERMS,
};

static const rustirc_host *host;
static uint64_t tryrun, trycmd;

const rustirc_plugin_info *plugin_get_info(void) { return &info; }

int plugin_init(const rustirc_host *h) {
    host = h;
    tryrun = host->register_command(host->ctx, "tryrun", "Runs /run true", "/tryrun");
    trycmd = host->register_command(host->ctx, "trycmd", "Runs a line", "/trycmd LINE");
    return tryrun && trycmd ? RUSTIRC_OK : RUSTIRC_ERROR;
}

void plugin_deinit(void) { host = NULL; }

static void attempt(const char *line) {
    char msg[1024];
    if (host->command(host->ctx, line) == RUSTIRC_OK) {
        snprintf(msg, sizeof msg, NAME ": ran %s", line);
    } else {
        char *why = host->last_error(host->ctx);
        snprintf(msg, sizeof msg, NAME ": refused %s: %s", line, why ? why : "(no reason)");
        host->free_string(host->ctx, why);
    }
    host->print(host->ctx, "status", msg);
}

int plugin_on_event(const rustirc_event *ev) {
    if (ev->hook == tryrun) attempt("/run true");
    else if (ev->hook == trycmd) attempt(ev->text ? ev->text : "");
    return RUSTIRC_OK;
}
