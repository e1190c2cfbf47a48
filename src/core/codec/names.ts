// MQTT 3.1.1 packet type names by type number (§2.2.1), in mqtt-packet's spelling.
// One split string is smaller on the board than an array literal.
export const NAMES = 'reserved connect connack publish puback pubrec pubrel pubcomp subscribe suback unsubscribe unsuback pingreq pingresp disconnect reserved'.split(' ');
