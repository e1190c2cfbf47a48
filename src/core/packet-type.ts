// MQTT 3.1.1 control packet types (§2.2.1). A const enum: the build inlines each value.
export const enum PacketType {
  Connect = 1,
  Connack = 2,
  Publish = 3,
  Puback = 4,
  Pubrec = 5,
  Pubrel = 6,
  Pubcomp = 7,
  Subscribe = 8,
  Suback = 9,
  Unsubscribe = 10,
  Unsuback = 11,
  Pingreq = 12,
  Pingresp = 13,
  Disconnect = 14,
}

/** Is `type` in `typeSet`, a set of packet types with one bit per type number (`1 << PacketType.X | …`)? */
export function isOneOf(typeSet: number, type: number): boolean { return (typeSet >> type & 1) > 0; }
