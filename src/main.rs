fn main() {
    println!("zonesign");
}
