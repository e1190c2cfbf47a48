// The MQTT.js equivalent of `glowmq pub -L URL -t TOPIC -m TEXT`: connect, publish one
// message at QoS 0, disconnect, exit 0 (1 with the error on failure).
import { connect } from 'mqtt';

const [url, topic, text] = process.argv.slice(2);
const c = connect(url, { reconnectPeriod: 0 });
c.on('connect', () => c.publish(topic, text, { qos: 0 }, (e) => { if (e) { console.error(e.message); process.exit(1); } c.end(false, {}, () => process.exit(0)); }));
c.on('error', (e) => { console.error(e.message); process.exit(1); });
