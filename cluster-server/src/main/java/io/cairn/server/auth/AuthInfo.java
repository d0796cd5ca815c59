package io.cairn.server.auth;

/** Who a request comes from: a user name and the auth revision its credential was issued at. */
public record AuthInfo(String username, long revision) {}
