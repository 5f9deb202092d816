/**
 * Serializers: {@link io.taskflux.serde.Serializer} turns messages and task values into bytes and
 * back, as JSON (Jackson 3, the default) or CBOR. Default typing is never enabled and no Java
 * serialization is used: stored payloads are untrusted input.
 */
package io.taskflux.serde;
