// The MQTT.js equivalent of `glowmq pub -L URL -t TOPIC -m TEXT`: connect, publish one
// message at QoS 0, disconnect, exit 0 (1 with the error on failure).
import { connect } from 'mqtt';

const [url, topic, text] = process.argv.slice(2);
const client = connect(url, { reconnectPeriod: 0 });
client.on('connect', () => client.publish(topic, text, { qos: 0 }, (err) => { if (err) { console.error(err.message); process.exit(1); } client.end(false, {}, () => process.exit(0)); }));
client.on('error', (err) => { console.error(err.message); process.exit(1); });
