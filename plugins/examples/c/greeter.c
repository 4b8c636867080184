/* greeter: an example native RustIRC plugin in C.
 *
 * It hooks JOIN and welcomes whoever joins a channel I am on ("Welcome to #chan, nick!"),
 * and adds /greeting: "/greeting TEXT" changes the welcome (kept in the plugin's storage,
 * {chan} and {nick} are replaced), "/greeting" shows it.
 *
 * Build: make (or cc -shared -fPIC -I../../abi/include -o libgreeter.so greeter.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rustirc_plugin.h"

static const rustirc_plugin_info info = {
    RUSTIRC_ABI_MAJOR,
    RUSTIRC_ABI_MINOR,
    "greeter",
    "1.0.0",
    "RustIRC",
    "Welcomes whoever joins (/greeting changes the welcome)",
};

static const rustirc_host *host;
static uint64_t join_hook;
static uint64_t greeting_cmd;

#define DEFAULT_GREETING "Welcome to {chan}, {nick}!"

const rustirc_plugin_info *plugin_get_info(void) { return &info; }

int plugin_init(const rustirc_host *h) {
    host = h;
    join_hook = host->hook_event(host->ctx, "JOIN", 0);
    greeting_cmd = host->register_command(host->ctx, "greeting",
                                          "Shows or changes the welcome for joins",
                                          "/greeting [TEXT]");
    if (join_hook == 0 || greeting_cmd == 0) {
        char *why = host->last_error(host->ctx);
        host->log(host->ctx, RUSTIRC_LOG_ERROR, why ? why : "cannot register");
        host->free_string(host->ctx, why);
        return RUSTIRC_ERROR;
    }
    host->log(host->ctx, RUSTIRC_LOG_DEBUG, "greeter ready");
    return RUSTIRC_OK;
}

void plugin_deinit(void) { host = NULL; }

/* Appends src to out (of size cap), replacing {chan} and {nick}. */
static void expand(char *out, size_t cap, const char *src, const char *chan, const char *nick) {
    size_t n = 0;
    while (*src && n + 1 < cap) {
        const char *with = NULL;
        if (strncmp(src, "{chan}", 6) == 0) { with = chan; src += 6; }
        else if (strncmp(src, "{nick}", 6) == 0) { with = nick; src += 6; }
        if (with) {
            while (*with && n + 1 < cap) out[n++] = *with++;
        } else {
            out[n++] = *src++;
        }
    }
    out[n] = '\0';
}

int plugin_on_event(const rustirc_event *ev) {
    if (ev->hook == join_hook && ev->channel && ev->nick) {
        char *me = host->get_nick(host->ctx);
        int self = me && strcmp(me, ev->nick) == 0;
        host->free_string(host->ctx, me);
        if (self) return RUSTIRC_OK;
        char *stored = host->storage_get(host->ctx, "greeting");
        char line[512];
        expand(line, sizeof line, stored ? stored : DEFAULT_GREETING, ev->channel, ev->nick);
        host->free_string(host->ctx, stored);
        return host->privmsg(host->ctx, ev->channel, line) == RUSTIRC_OK ? RUSTIRC_OK : RUSTIRC_ERROR;
    }
    if (ev->hook == greeting_cmd) {
        if (ev->text && ev->text[0]) {
            if (host->storage_set(host->ctx, "greeting", ev->text) != RUSTIRC_OK) return RUSTIRC_ERROR;
            char line[600];
            snprintf(line, sizeof line, "greeting set to: %s", ev->text);
            host->print(host->ctx, NULL, line);
        } else {
            char *stored = host->storage_get(host->ctx, "greeting");
            char line[600];
            snprintf(line, sizeof line, "greeting: %s", stored ? stored : DEFAULT_GREETING);
            host->free_string(host->ctx, stored);
            host->print(host->ctx, NULL, line);
        }
        return RUSTIRC_HALT;
    }
    return RUSTIRC_OK;
}
