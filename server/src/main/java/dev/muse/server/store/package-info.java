/**
 * Persistence for the server: API keys, conversations, messages and attachment metadata, over JDBC.
 *
 * <p>Start at {@link dev.muse.server.store.Store}: {@code Store.openFromEnvironment()} opens SQLite at
 * {@code $MUSE_HOME/muse.db} or the database {@code MUSE_DB_URL} names, migrates it with Flyway
 * (scripts in {@code db/migration}, plain SQL both engines accept), and hands out
 * {@link dev.muse.server.store.ApiKeys}, {@link dev.muse.server.store.Conversations} and
 * {@link dev.muse.server.store.Messages}.
 *
 * <ul>
 *   <li>Owners: a conversation's owner is the caller's API key ({@code ApiKey.owner()}) or
 *       {@code Store.LOCAL_OWNER} when the server runs without keys; messages and attachments belong to
 *       their conversation's owner. Every call takes the owner, and another owner's objects are "not
 *       found" (empty results, {@link dev.muse.server.store.NotFoundException}).</li>
 *   <li>Durability: when a method returns, its write is committed and on disk.</li>
 *   <li>Errors: bad arguments are {@link java.lang.IllegalArgumentException}s; database trouble is a
 *       {@link dev.muse.server.store.StoreException} whose message is one line for a person.</li>
 * </ul>
 */
package dev.muse.server.store;
