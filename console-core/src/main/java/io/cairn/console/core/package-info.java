/**
 * What both consoles share: the cluster session over jetcd, the keyspace, history and watch models,
 * the cluster overview, the metrics scraper and the chart builders. Nothing here touches a UI toolkit;
 * every call that goes to the network is meant to run off the UI thread.
 */
package io.cairn.console.core;
